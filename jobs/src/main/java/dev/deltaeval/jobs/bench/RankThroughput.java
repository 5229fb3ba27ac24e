package dev.deltaeval.jobs.bench;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.Harness;
import dev.deltaeval.jobs.JobContext;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Matrices/s of the singular-value route on random matrices (one thread and all threads), and optionally the whole
 * recurrent-state rank collection of a checkpoint over random token ids: tokens/s and states analysed per second.
 */
public final class RankThroughput {
    private RankThroughput() {
    }

    /** @param checkpoint also time a full state-rank collection of it, or null */
    public record Spec(List<Integer> sizes, int matrices, Integer threads, String checkpoint, int tokens,
                       String output, ComputeRequest compute) {
    }

    public static void run(Spec spec, JobContext ctx) throws Exception {
        int all = spec.threads() != null ? spec.threads() : Runtime.getRuntime().availableProcessors();
        if (all < 1 || spec.matrices() < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("threads") + " and "
                    + DeltaEvalException.setting("matrices") + " must be at least 1");
        }
        ExecutorService pool = Executors.newFixedThreadPool(all);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("harness", Harness.VERSION);
        json.put("threads_available", Runtime.getRuntime().availableProcessors());
        try {
            List<RankBenchmark.Result> svd = new java.util.ArrayList<>();
            for (int n : spec.sizes()) {
                for (int t : all > 1 ? new int[] {1, all} : new int[] {1}) {
                    RankBenchmark.Result r = RankBenchmark.run(n, n, spec.matrices(), pool, t, 0);
                    svd.add(r);
                    ctx.out().printf(Locale.ROOT, "svd %4d x %-4d threads %d: %10.0f matrices/s  (%d in %.2f s)%n", n, n,
                            t, r.matricesPerSec(), r.matrices(), r.seconds());
                }
            }
            json.put("svd", svd);
            if (spec.checkpoint() != null) {
                json.put("collection", collect(spec, pool, ctx));
            }
        } finally {
            pool.shutdownNow();
        }
        if (spec.output() != null) {
            AtomicFiles.writeJson(Path.of(spec.output()), json);
        }
    }

    private static Map<String, Object> collect(Spec spec, ExecutorService pool, JobContext ctx) {
        ModelCheckpoint ckpt = CheckpointRef.open(Path.of(spec.checkpoint()));
        ComputeOptions opts = Compute.resolve(spec.compute(), ckpt);
        int tokens = spec.tokens();
        long[] ids = new Random(0).longs(tokens, 0, ckpt.info().vocabSize()).toArray();
        try (LanguageModel model = Compute.load(ckpt, opts)) {
            StateRankCollector c = new StateRankCollector(model, pool, 1e-6, 512);
            c.collect(java.util.Arrays.copyOf(ids, Math.min(64, ids.length)), PositionSelector.parse("all", 64), null,
                    null); // warm-up
            long t0 = System.nanoTime();
            StateRanks r = c.collect(ids, PositionSelector.parse("all", tokens), null, null);
            double secs = (System.nanoTime() - t0) / 1e9;
            long matrices = (long) r.substeps().length * r.layers() * r.heads();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checkpoint", spec.checkpoint());
            m.put("model", ckpt.info().summary());
            m.put("tokens", tokens);
            m.put("states", matrices);
            m.put("seconds", secs);
            m.put("tokens_per_sec", tokens / secs);
            m.put("matrices_per_sec", matrices / secs);
            m.put("device", opts.deviceLabel());
            ctx.out().printf(Locale.ROOT, "collection %s: %d tokens, %d states (%d layers x %d heads x %d sub-steps) in "
                    + "%.1f s = %.1f tokens/s, %.0f states/s%n", spec.checkpoint(), tokens, matrices, r.layers(), r.heads(),
                    r.substeps().length, secs, tokens / secs, matrices / secs);
            return m;
        }
    }
}
