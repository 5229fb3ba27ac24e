package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.core.bench.ProcessMemory;
import dev.deltaeval.core.data.SequenceChunker;
import dev.deltaeval.core.data.TextSource;
import dev.deltaeval.core.tokenizer.TextTokenizer;
import dev.deltaeval.extrapolation.ExtrapolationCharts;
import dev.deltaeval.extrapolation.ExtrapolationReport;
import dev.deltaeval.extrapolation.LengthExtrapolation;
import dev.deltaeval.extrapolation.PositionCurves;
import dev.deltaeval.extrapolation.ResumeFile;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.runtime.ComputeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            + CheckpointArg.DEFAULT + ").")
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
        if (bucket < 1 || segment < 1) {
            throw new IllegalArgumentException("--bucket and --segment must be at least 1 token");
        }
        List<Path> ckpts = checkpoints.isEmpty() ? List.of(CheckpointArg.resolve(null)) : checkpoints;
        List<ModelCheckpoint> opened = new ArrayList<>();
        for (Path p : ckpts) {
            opened.add(CheckpointArg.open(p)); // every checkpoint is validated before hours of work start
        }
        TextSource source = data.source();
        List<String> docs = source.read();
        String dataHash = RunProvenance.dataHash(source);
        ComputeOptions opts = compute.options(opened.toArray(new ModelCheckpoint[0]));
        Files.createDirectories(out);
        for (int maxLen : maxLens) {
            List<ExtrapolationReport> reports = new ArrayList<>();
            for (ModelCheckpoint ckpt : opened) {
                reports.add(runOne(ckpt, source, docs, dataHash, maxLen, opts));
            }
            List<Path> charts = noCharts ? List.of() : ExtrapolationCharts.write(reports, out.resolve("plots"),
                    source.name() + "_" + maxLen, smooth);
            for (ExtrapolationReport r : reports) {
                System.out.printf(java.util.Locale.ROOT, "%-24s max_len %6d  %d sequences  ppl@%d %.3f  ppl@%d %.3f  "
                                + "exceeds +%.0f%% at %s%n", r.model(), maxLen, r.curves().sequences(),
                        Math.min(r.trainContext(), maxLen - 1), r.curves().perplexities()[Math.min(r.trainContext(),
                                maxLen - 1) - 1], maxLen - 1, r.curves().perplexities()[maxLen - 2], margin * 100,
                        exceed(r));
            }
            System.err.printf("wrote %d result file%s in %s%s (peak memory so far %d MiB)%n", reports.size(),
                    reports.size() == 1 ? "" : "s", out, charts.isEmpty() ? "" : " and " + charts.size()
                            + " chart files in " + out.resolve("plots"), ProcessMemory.peakRssMb());
        }
        return 0;
    }

    private String exceed(ExtrapolationReport r) {
        int at = r.curves().firstExceedance(r.trainContext(), margin);
        return at < 0 ? "never" : "position " + at;
    }

    private ExtrapolationReport runOne(ModelCheckpoint ckpt, TextSource source, List<String> docs, String dataHash,
                                       int maxLen, ComputeOptions opts) throws IOException {
        String model = CheckpointArg.label(ckpt);
        Path file = out.resolve(ExtrapolationReport.fileName(source.name(), maxLen, model));
        int train = trainContext != null ? trainContext : ckpt.trainingContext().tokens();
        // every setting that changes a number in the file; a finished result is reused only when all match
        String settings = data.settings(numSequences) + ",train=" + train + ",bucket=" + bucket + ",margin=" + margin + ",device="
                + opts.device() + ",dtype=" + opts.precision().label();
        if (Files.exists(file) && !recompute) {
            ExtrapolationReport done = ExtrapolationReport.read(file);
            if (ckpt.contentHash().equals(done.provenance().get("checkpoint_sha256"))
                    && dataHash.equals(done.provenance().get("data_sha256"))
                    && settings.equals(done.provenance().get("settings"))) {
                System.err.println(model + " max_len " + maxLen + ": reusing " + file);
                return done;
            }
            System.err.println(model + " max_len " + maxLen + ": " + file + " has other settings, computing again");
        }
        List<long[]> sequences;
        try (TextTokenizer tok = CheckpointArg.tokenizer(ckpt, "extrapolate")) {
            sequences = new SequenceChunker(maxLen, data.mapBatch, data.seed).chunks(docs, tok, numSequences);
        }
        ResumeFile resume = new ResumeFile(out.resolve(file.getFileName() + ".partial"),
                ckpt.contentHash() + "|" + dataHash + "|" + maxLen + "|" + data.settings(numSequences) + "|" + opts.device() + "|"
                        + opts.precision().label());
        PositionCurves acc = resume.loadOrStart(maxLen - 1);
        if (acc.sequences() > 0) {
            System.err.println(model + " max_len " + maxLen + ": resuming after " + acc.sequences() + " sequences");
        }
        long tokens = (long) sequences.size() * (maxLen - 1);
        ProgressLine progress = new ProgressLine(model + " max_len " + maxLen, (int) Math.min(Integer.MAX_VALUE, tokens),
                "tokens");
        try (LanguageModel m = ComputeMixin.load(ckpt, opts)) {
            LengthExtrapolation.run(m, sequences, segment, acc, (done, soFar, scored) -> {
                resume.save(soFar);
                progress.update((int) Math.min(Integer.MAX_VALUE, (long) done * (maxLen - 1)));
            });
        }
        Map<String, Object> prov = RunProvenance.of(ckpt, source, dataHash, data.seed, opts);
        prov.put("num_sequences_requested", numSequences);
        prov.put("map_batch", data.mapBatch);
        prov.put("segment", segment);
        prov.put("settings", settings);
        ExtrapolationReport report = new ExtrapolationReport(source.name(), maxLen, model, train, bucket, margin,
                acc.curves(), prov);
        AtomicFiles.writeJson(file, report.toJson());
        resume.delete();
        return report;
    }
}
