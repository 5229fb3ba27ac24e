package dev.deltaeval.cli;

import dev.deltaeval.checkpoints.SafetensorsWriter;
import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.core.data.SequenceChunker;
import dev.deltaeval.core.data.TextSource;
import dev.deltaeval.core.tokenizer.TextTokenizer;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.rank.HiddenRankCollector;
import dev.deltaeval.rank.HiddenRanks;
import dev.deltaeval.rank.PositionSelector;
import dev.deltaeval.rank.RankCharts;
import dev.deltaeval.rank.RankReport;
import dev.deltaeval.rank.SpectralMeasures;
import dev.deltaeval.rank.StateRankCollector;
import dev.deltaeval.rank.StateRanks;
import dev.deltaeval.runtime.ComputeOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
            description = "Checkpoint directory (default: " + CheckpointArg.DEFAULT + ").")
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
        if (window < 1 || segment < 1) {
            throw new IllegalArgumentException("--window and --segment must be at least 1 token");
        }
        ModelCheckpoint ckpt = CheckpointArg.open(checkpoint);
        PositionSelector selector = PositionSelector.parse(positions, maxLen);
        TextSource source = data.source();
        List<String> docs = source.read();
        long[] ids;
        try (TextTokenizer tok = CheckpointArg.tokenizer(ckpt, "rank")) {
            ids = new SequenceChunker(maxLen, data.mapBatch, data.seed).chunks(docs, tok, 1).get(0);
        }
        long bos = ckpt.info().bosTokenId();
        long[] bosPositions = java.util.stream.IntStream.range(0, ids.length).filter(i -> ids[i] == bos)
                .mapToLong(i -> i).toArray();
        String model = CheckpointArg.label(ckpt);
        ComputeOptions opts = compute.options(ckpt);
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (workers < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + workers);
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "svd");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        StateRanks states = null;
        HiddenRanks hidden = null;
        try (LanguageModel m = ComputeMixin.load(ckpt, opts)) {
            if (!noState) {
                ProgressLine p = new ProgressLine(model + " states", ids.length, "tokens");
                states = new StateRankCollector(m, pool, relTol, segment).collect(ids, selector, null,
                        done -> p.update((int) done));
            }
            if (!noHidden) {
                ProgressLine p = new ProgressLine(model + " hidden", ids.length, "tokens");
                hidden = new HiddenRankCollector(m, relTol, segment).collect(ids, window, mixers,
                        saveActivations == null ? null : (first, n, hid) -> saveSegment(ids, m.info().numLayers() + 1,
                                first, n, hid), done -> p.update((int) done));
            }
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> prov = RunProvenance.of(ckpt, source, RunProvenance.dataHash(source), data.seed, opts);
        prov.put("seconds", secs);
        int train = trainContext != null ? trainContext : ckpt.trainingContext().tokens();
        RankReport report = new RankReport(source.name(), model, ids.length, train, positions, relTol, bosPositions,
                states, hidden, prov);
        Files.createDirectories(out);
        Path file = out.resolve(RankReport.fileName(source.name(), ids.length, model));
        AtomicFiles.writeJson(file, report.toJson());
        List<Path> charts = noCharts ? List.of() : RankCharts.write(report, out.resolve("plots"), "rank_"
                + source.name() + "_" + ids.length + "_" + model);
        summary(report);
        System.err.printf(Locale.ROOT, "wrote %s and %d chart files in %s (%.1f s)%n", file, charts.size(),
                out.resolve("plots"), secs);
        return 0;
    }

    private void summary(RankReport r) {
        if (r.states() != null && r.states().substeps().length > 0) {
            StateRanks s = r.states();
            int lastCapture = s.substeps().length - 1;
            for (int l = 0; l < s.layers(); l++) {
                double mean = 0;
                for (float e : s.effectiveRank()[l][lastCapture]) {
                    mean += e;
                }
                System.out.printf(Locale.ROOT, "layer %2d  state effective rank at position %.0f: mean over heads %.2f%n",
                        l, s.position(lastCapture), mean / s.heads());
            }
        }
        if (r.hidden() != null) {
            HiddenRanks h = r.hidden();
            for (int e = 0; e < h.names().size(); e++) {
                SpectralMeasures w = h.whole()[e];
                System.out.printf(Locale.ROOT, "%-12s hidden effective rank %.2f  numerical rank %d  participation %.2f"
                        + "  covariance effective rank %.2f%n", h.names().get(e), w.effectiveRank(),
                        w.numericalRank(), w.participationRatio(), h.covariance()[e].effectiveRank());
            }
        }
    }

    /** One file per segment, so a long sequence never sits in memory: hidden_states [L+1, tokens, hidden]. */
    private void saveSegment(long[] ids, int entries, long firstToken, int tokens, float[] hidden) {
        try {
            Files.createDirectories(saveActivations);
            new SafetensorsWriter().metadata("first_token", Long.toString(firstToken))
                    .putFloat("hidden_states", new long[] {entries, tokens, hidden.length / ((long) entries * tokens)},
                            hidden)
                    .putLong("input_ids", new long[] {tokens}, java.util.Arrays.copyOfRange(ids, (int) firstToken,
                            (int) firstToken + tokens))
                    .write(saveActivations.resolve(String.format(Locale.ROOT, "hidden_%08d.safetensors", firstToken)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save activations to " + saveActivations, e);
        }
    }
}
