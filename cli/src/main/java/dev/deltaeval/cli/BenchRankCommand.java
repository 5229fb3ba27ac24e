package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.rank.PositionSelector;
import dev.deltaeval.rank.RankBenchmark;
import dev.deltaeval.rank.StateRankCollector;
import dev.deltaeval.rank.StateRanks;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rank", mixinStandardHelpOptions = true,
        description = {"Matrices/s of the singular-value route on random matrices (one thread and all threads), and",
            "with --checkpoint the whole recurrent-state rank collection (every layer, head and sub-step) over",
            "--tokens random token ids: tokens/s and states analysed per second."})
final class BenchRankCommand implements Callable<Integer> {
    @Option(names = "--size", split = ",", defaultValue = "32,64,128", paramLabel = "N[,N...]", hideParamSyntax = true,
            description = "Square matrix sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--matrices", defaultValue = "4000", paramLabel = "N", description = "Matrices per size.")
    int matrices;

    @Option(names = "--threads", paramLabel = "N", description = "Pool size (default: all cores).")
    Integer threads;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Also time a full state-rank collection.")
    Path checkpoint;

    @Option(names = "--tokens", defaultValue = "1024", paramLabel = "N", description = "Tokens for --checkpoint.")
    int tokens;

    @Option(names = {"--output", "--out"}, paramLabel = "FILE", description = "Write the figures as JSON.")
    Path out;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() throws Exception {
        int all = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (all < 1 || matrices < 1) {
            throw new IllegalArgumentException("--threads and --matrices must be at least 1");
        }
        ExecutorService pool = Executors.newFixedThreadPool(all);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("harness", Version.HARNESS);
        json.put("threads_available", Runtime.getRuntime().availableProcessors());
        try {
            List<RankBenchmark.Result> svd = new java.util.ArrayList<>();
            for (int n : sizes) {
                for (int t : all > 1 ? new int[] {1, all} : new int[] {1}) {
                    RankBenchmark.Result r = RankBenchmark.run(n, n, matrices, pool, t, 0);
                    svd.add(r);
                    System.out.printf(Locale.ROOT, "svd %4d x %-4d threads %d: %10.0f matrices/s  (%d in %.2f s)%n", n, n,
                            t, r.matricesPerSec(), r.matrices(), r.seconds());
                }
            }
            json.put("svd", svd);
            if (checkpoint != null) {
                json.put("collection", collect(pool));
            }
        } finally {
            pool.shutdownNow();
        }
        if (out != null) {
            AtomicFiles.writeJson(out, json);
        }
        return 0;
    }

    private Map<String, Object> collect(ExecutorService pool) {
        ModelCheckpoint ckpt = CheckpointRef.open(checkpoint);
        ComputeOptions opts = compute.options(ckpt);
        long[] ids = new Random(0).longs(tokens, 0, ckpt.info().vocabSize()).toArray();
        try (LanguageModel model = ComputeMixin.load(ckpt, opts)) {
            StateRankCollector c = new StateRankCollector(model, pool, 1e-6, 512);
            c.collect(java.util.Arrays.copyOf(ids, Math.min(64, ids.length)), PositionSelector.parse("all", 64), null,
                    null); // warm-up
            long t0 = System.nanoTime();
            StateRanks r = c.collect(ids, PositionSelector.parse("all", tokens), null, null);
            double secs = (System.nanoTime() - t0) / 1e9;
            long matrices = (long) r.substeps().length * r.layers() * r.heads();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checkpoint", checkpoint.toString());
            m.put("model", ckpt.info().summary());
            m.put("tokens", tokens);
            m.put("states", matrices);
            m.put("seconds", secs);
            m.put("tokens_per_sec", tokens / secs);
            m.put("matrices_per_sec", matrices / secs);
            m.put("device", opts.deviceLabel());
            System.out.printf(Locale.ROOT, "collection %s: %d tokens, %d states (%d layers x %d heads x %d sub-steps) in "
                    + "%.1f s = %.1f tokens/s, %.0f states/s%n", checkpoint, tokens, matrices, r.layers(), r.heads(),
                    r.substeps().length, secs, tokens / secs, matrices / secs);
            return m;
        }
    }
}
