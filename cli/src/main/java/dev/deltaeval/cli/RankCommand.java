package dev.deltaeval.cli;

import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.Jobs;
import dev.deltaeval.jobs.rank.RankSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rank", mixinStandardHelpOptions = true,
        description = {"Effective rank (Roy & Vetterli), numerical rank and participation ratio of the recurrent "
                + "state S of every layer and head, and of the hidden-state activations, along one sequence.",
            "Semantics of the DeltaProduct repository's effective_state_rank.py: the sequence is the first (or "
                + "seeded) --max-len chunk of the documents, states are analysed after every Householder sub-step "
                + "(or at --positions), singular values below machine epsilon are dropped.",
            "Writes OUT/rank_{data}_{tokens}_{model}.json and charts OUT/plots/...: per layer one line per head "
                + "with document starts (red) and the training context (green), a layer x position heat map, and "
                + "hidden-state rank per window. States stream through a worker pool: memory does not grow with "
                + "the sequence."})
final class RankCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Checkpoint directory (default: " + CheckpointRef.DEFAULT + ").")
    Path checkpoint;

    @Option(names = {"--max-length", "--max-len"}, defaultValue = "1024", paramLabel = "N",
            description = "Tokens in the analysed sequence (default: ${DEFAULT-VALUE}).")
    int maxLen;

    @Option(names = "--positions", defaultValue = "all", paramLabel = "SPEC",
            description = "States to analyse: all (every sub-step), every:K, log:N or P1,P2,... token positions "
                    + "(default: ${DEFAULT-VALUE}).")
    String positions;

    @Option(names = "--window", defaultValue = "256", paramLabel = "N",
            description = "Tokens per hidden-state window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--no-charts", description = "Write the JSON only (for a Java runtime without java.desktop, e.g. a "
            + "GPU node's minimal one).")
    boolean noCharts;

    @Option(names = "--no-hidden", description = "Skip the hidden-state ranks.")
    boolean noHidden;

    @Option(names = "--mixer-outputs", description = "Also analyse each layer's token-mixer output (before the "
            + "residual add).")
    boolean mixers;

    @Option(names = "--no-state", description = "Skip the recurrent-state ranks.")
    boolean noState;

    @Option(names = "--rel-tol", defaultValue = "1e-6", paramLabel = "X",
            description = "Relative threshold of the numerical rank (default: ${DEFAULT-VALUE}).")
    double relTol;

    @Option(names = "--segment", defaultValue = "512", paramLabel = "N",
            description = "Tokens per forward call, state carried (default: ${DEFAULT-VALUE}).")
    int segment;

    @Option(names = "--threads", paramLabel = "N", description = "SVD worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--train-context", paramLabel = "N",
            description = "Training context marker (default: seq_len in training_meta.json, else max_position_embeddings).")
    Integer trainContext;

    @Option(names = "--save-activations", paramLabel = "DIR",
            description = "Also save hidden states per segment (safetensors, [L+1, tokens, hidden]) for reuse.")
    Path saveActivations;

    @Option(names = {"--output", "--out"}, defaultValue = "runs/rank", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    DataSourceMixin data;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() throws IOException {
        ComputeRequest c = compute.request();
        Jobs.run(new RankSpec(checkpoint == null ? null : checkpoint.toString(), maxLen, positions, window, noCharts,
                noHidden, mixers, noState, relTol, segment, threads, trainContext,
                saveActivations == null ? null : saveActivations.toString(), out.toString(), data.data.toString(),
                data.field, data.template, data.preset, data.seed, data.mapBatch, c.device(), c.dtype(), c.kernels(),
                c.chunk()), DeltaEvalCli.jobContext());
        return 0;
    }
}
