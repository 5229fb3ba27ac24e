package dev.deltaeval.cli;

import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.Jobs;
import dev.deltaeval.jobs.extrapolation.ExtrapolateSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "extrapolate", mixinStandardHelpOptions = true,
        description = {"Loss, accuracy and perplexity per position across context lengths (length extrapolation).",
            "Semantics of the DeltaProduct repository's script: documents with BOS, concatenated, cut into sequences "
                + "of exactly --max-len tokens; per sequence the running mean loss up to each position, averaged over "
                + "sequences. Long sequences run in segments with the recurrent state carried across (memory O(T)).",
            "Writes one JSON file per data set, length and checkpoint into OUT (the script's perplexities, "
                + "accuracies and token_losses) and loss and perplexity charts (PNG and SVG, one line per checkpoint) "
                + "into OUT/plots. Finished results are reused; an interrupted run resumes at the next sequence."})
final class ExtrapolateCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "CHECKPOINT", description = "Checkpoint directories (default: "
            + CheckpointRef.DEFAULT + ").")
    List<Path> checkpoints = new ArrayList<>();

    @Option(names = {"--max-length", "--max-len"}, split = ",", defaultValue = "4096", paramLabel = "N[,N...]", hideParamSyntax = true,
            description = "Sequence lengths in tokens (default: ${DEFAULT-VALUE}).")
    List<Integer> maxLens;

    @Option(names = "--segment", defaultValue = "2048", paramLabel = "N",
            description = "Tokens per forward pass; the state is carried between segments (default: ${DEFAULT-VALUE}).")
    int segment;

    @Option(names = "--train-context", paramLabel = "N",
            description = "Training context for markers and the exceedance position (default: seq_len in training_meta.json, "
                    + "else max_position_embeddings).")
    Integer trainContext;

    @Option(names = "--margin", defaultValue = "0.1", paramLabel = "X", description = "Report the first position "
            + "where the running perplexity exceeds its training-context value by this fraction (default: "
            + "${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--bucket", defaultValue = "2048", paramLabel = "N",
            description = "Bucket size of the bucketed perplexity, as fla's ppl.py (default: ${DEFAULT-VALUE}).")
    int bucket;

    @Option(names = "--smooth", defaultValue = "1", paramLabel = "N",
            description = "Moving-average window for the per-token loss chart (default: ${DEFAULT-VALUE} = none).")
    int smooth;

    @Option(names = {"--output", "--out"}, defaultValue = "runs/extrapolation", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-charts", description = "Write the JSON only (for a Java runtime without java.desktop, e.g. a "
            + "GPU node's minimal one).")
    boolean noCharts;

    @Option(names = "--recompute", description = "Ignore finished results and compute again.")
    boolean recompute;

    @Mixin
    DataSourceMixin data;

    @Option(names = "--num-sequences", defaultValue = "4", paramLabel = "N",
            description = "Sequences to evaluate (default: ${DEFAULT-VALUE}; 0 = all).")
    int numSequences;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() throws IOException {
        ComputeRequest c = compute.request();
        Jobs.run(new ExtrapolateSpec(checkpoints.stream().map(Path::toString).toList(), maxLens, segment,
                trainContext, margin, bucket, smooth, out.toString(), noCharts, recompute, data.data.toString(),
                data.field, data.template, data.preset, data.seed, data.mapBatch, numSequences, c.device(), c.dtype(),
                c.kernels(), c.chunk()), DeltaEvalCli.jobContext());
        return 0;
    }
}
