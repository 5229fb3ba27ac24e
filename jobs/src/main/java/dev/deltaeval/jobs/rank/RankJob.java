package dev.deltaeval.jobs.rank;

import dev.deltaeval.checkpoints.SafetensorsWriter;
import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.DataSettings;
import dev.deltaeval.jobs.Job;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.PlanScope;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.jobs.ProgressLine;
import dev.deltaeval.jobs.ResultKind;
import dev.deltaeval.jobs.RunProvenance;
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
import dev.deltaeval.text.source.SequenceChunker;
import dev.deltaeval.text.source.TextSource;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Effective rank (Roy & Vetterli), numerical rank and participation ratio of every layer's recurrent state and of
 * the hidden states along one sequence, with the DeltaProduct repository's effective_state_rank.py semantics.
 * States stream through a worker pool: memory does not grow with the sequence.
 */
public final class RankJob implements Job<RankSpec> {
    public static final String KIND = "rank";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<RankSpec> specType() {
        return RankSpec.class;
    }

    @Override
    public List<PlannedUnit> plan(RankSpec section, PlanScope scope) {
        return List.of(new PlannedUnit("rank/" + scope.model(), scope.model(), section.unit(scope.checkpoint(),
                scope.output(), scope.device(null), scope.dtype(null)), scope.parameters() * 2.0 * section.maxLen()));
    }

    @Override
    public RankSpec inFolder(RankSpec spec, Path out) {
        return spec.withOutput(out.toString());
    }

    @Override
    public ResultKind results() {
        return new RankResults();
    }

    @Override
    public void run(RankSpec spec, JobContext ctx) throws IOException {
        if (spec.window() < 1 || spec.segment() < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("window") + " and "
                    + DeltaEvalException.setting("segment") + " must be at least 1 token");
        }
        if (!(spec.relTol() >= 0 && spec.relTol() < 1)) {
            throw new DeltaEvalException(DeltaEvalException.setting("rel_tol") + " " + spec.relTol()
                    + ": expected a relative threshold in [0, 1), e.g. 1e-6");
        }
        if (spec.noState() && spec.noHidden()) {
            throw new DeltaEvalException(DeltaEvalException.setting("no_state") + " and "
                    + DeltaEvalException.setting("no_hidden") + " together leave nothing to analyse");
        }
        if (spec.maxLen() < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("max_len") + " " + spec.maxLen()
                    + ": expected at least 1 token");
        }
        ModelCheckpoint ckpt = CheckpointRef.open(spec.checkpoint() == null ? null : Path.of(spec.checkpoint()));
        DataSettings data = spec.dataSettings();
        int maxLen = spec.maxLen();
        Path out = Path.of(spec.output());
        PositionSelector selector = PositionSelector.parse(spec.positions(), maxLen);
        TextSource source = data.source();
        List<String> docs = source.read();
        long[] ids;
        try (TextTokenizer tok = CheckpointRef.tokenizer(ckpt, "rank")) {
            ids = new SequenceChunker(maxLen, data.mapBatch(), data.seed()).chunks(docs, tok, 1).get(0);
        }
        long bos = ckpt.info().bosTokenId();
        long[] bosPositions = java.util.stream.IntStream.range(0, ids.length).filter(i -> ids[i] == bos)
                .mapToLong(i -> i).toArray();
        String model = CheckpointRef.label(ckpt);
        ComputeOptions opts = Compute.resolve(spec.compute(), ckpt);
        int workers = spec.threads() != null ? spec.threads() : Runtime.getRuntime().availableProcessors();
        if (workers < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("threads") + " must be at least 1, got " + workers);
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "svd");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        StateRanks states = null;
        HiddenRanks hidden = null;
        try (LanguageModel m = Compute.load(ckpt, opts)) {
            if (!spec.noState()) {
                ProgressLine p = new ProgressLine(model + " states", ids.length, "tokens");
                states = new StateRankCollector(m, pool, spec.relTol(), spec.segment()).collect(ids, selector, null,
                        done -> p.update((int) done));
            }
            if (!spec.noHidden()) {
                ProgressLine p = new ProgressLine(model + " hidden", ids.length, "tokens");
                hidden = new HiddenRankCollector(m, spec.relTol(), spec.segment()).collect(ids, spec.window(),
                        spec.mixerOutputs(), spec.saveActivations() == null ? null : (first, n, hid) -> saveSegment(
                                Path.of(spec.saveActivations()), ids, m.info().numLayers() + 1,
                                first, n, hid), done -> p.update((int) done));
            }
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> prov = RunProvenance.of(ckpt, source, RunProvenance.dataHash(source), data.seed(), opts);
        prov.put("seconds", secs);
        int train = spec.trainContext() != null ? spec.trainContext() : ckpt.trainingContext().tokens();
        RankReport report = new RankReport(source.name(), model, ids.length, train, spec.positions(), spec.relTol(), bosPositions,
                states, hidden, prov);
        Files.createDirectories(out);
        Path file = out.resolve(RankReport.fileName(source.name(), ids.length, model));
        AtomicFiles.writeJson(file, report.toJson());
        List<Path> charts = spec.noCharts() ? List.of() : RankCharts.write(report, out.resolve("plots"), "rank_"
                + source.name() + "_" + ids.length + "_" + model);
        summary(report, ctx.out());
        System.err.printf(Locale.ROOT, "wrote %s and %d chart files in %s (%.1f s)%n", file, charts.size(),
                out.resolve("plots"), secs);
    }

    private static void summary(RankReport r, PrintStream out) {
        if (r.states() != null && r.states().substeps().length > 0) {
            StateRanks s = r.states();
            int lastCapture = s.substeps().length - 1;
            for (int l = 0; l < s.layers(); l++) {
                double mean = 0;
                for (float e : s.effectiveRank()[l][lastCapture]) {
                    mean += e;
                }
                out.printf(Locale.ROOT, "layer %2d  state effective rank at position %.0f: mean over heads %.2f%n",
                        l, s.position(lastCapture), mean / s.heads());
            }
        }
        if (r.hidden() != null) {
            HiddenRanks h = r.hidden();
            for (int e = 0; e < h.names().size(); e++) {
                SpectralMeasures w = h.whole()[e];
                out.printf(Locale.ROOT, "%-12s hidden effective rank %.2f  numerical rank %d  participation %.2f"
                        + "  covariance effective rank %.2f%n", h.names().get(e), w.effectiveRank(),
                        w.numericalRank(), w.participationRatio(), h.covariance()[e].effectiveRank());
            }
        }
    }

    /** One file per segment, so a long sequence never sits in memory: hidden_states [L+1, tokens, hidden]. */
    private static void saveSegment(Path saveActivations, long[] ids, int entries, long firstToken, int tokens, float[] hidden) {
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
