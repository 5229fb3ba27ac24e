package dev.deltaeval.jobs.extrapolation;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.extrapolation.ExtrapolationCharts;
import dev.deltaeval.extrapolation.ExtrapolationReport;
import dev.deltaeval.extrapolation.LengthExtrapolation;
import dev.deltaeval.extrapolation.PositionCurves;
import dev.deltaeval.extrapolation.ResumeFile;
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
import dev.deltaeval.jobs.bench.ProcessMemory;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.text.source.SequenceChunker;
import dev.deltaeval.text.source.TextSource;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Length extrapolation with the DeltaProduct script's semantics: documents with BOS, concatenated, cut into
 * sequences of exactly max_len tokens; per sequence the running mean loss up to each position, averaged over
 * sequences. One JSON file per data set, length and checkpoint, and charts over the checkpoints; finished results
 * are reused and an interrupted run resumes at the next sequence.
 */
public final class ExtrapolateJob implements Job<ExtrapolateSpec> {
    public static final String KIND = "extrapolate";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<ExtrapolateSpec> specType() {
        return ExtrapolateSpec.class;
    }

    @Override
    public List<PlannedUnit> plan(ExtrapolateSpec section, PlanScope scope) {
        if (section.maxLen().isEmpty()) {
            throw new DeltaEvalException(DeltaEvalException.setting("max_len") + " is an empty list: no lengths to run");
        }
        List<PlannedUnit> units = new ArrayList<>();
        for (int len : section.maxLen()) {
            units.add(new PlannedUnit("extrapolate/" + scope.model() + "/" + len, scope.model(),
                    section.unit(scope.checkpoint(), len, scope.output(), scope.device(null), scope.dtype(null)),
                    scope.parameters() * section.numSequences() * (double) len));
        }
        return units;
    }

    @Override
    public ExtrapolateSpec inFolder(ExtrapolateSpec spec, Path out) {
        return spec.withOutput(out.toString());
    }

    @Override
    public ResultKind results() {
        return new ExtrapolationResults();
    }

    @Override
    public void run(ExtrapolateSpec spec, JobContext ctx) throws IOException {
        if (spec.maxLen().isEmpty()) {
            throw new DeltaEvalException(DeltaEvalException.setting("max_len") + " is an empty list: no lengths to run");
        }
        if (spec.bucket() < 1 || spec.segment() < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("bucket") + " and "
                    + DeltaEvalException.setting("segment") + " must be at least 1 token");
        }
        if (spec.trainContext() != null && spec.trainContext() < 1) {
            throw new DeltaEvalException(DeltaEvalException.setting("train_context") + " " + spec.trainContext()
                    + ": expected a training length of at least 1 token");
        }
        if (!(spec.margin() >= 0) || Double.isInfinite(spec.margin())) {
            throw new DeltaEvalException(DeltaEvalException.setting("margin") + " " + spec.margin()
                    + ": expected a fraction of 0 or more (0.1 = 10% above the training-context perplexity)");
        }
        if (spec.numSequences() < 0) {
            throw new DeltaEvalException(DeltaEvalException.setting("num_sequences") + " " + spec.numSequences()
                    + ": expected 0 (all) or more");
        }
        for (int len : spec.maxLen()) {
            if (len < 2) {
                throw new DeltaEvalException(DeltaEvalException.setting("max_len") + " " + len
                        + ": expected at least 2 tokens (one to read, one to predict)");
            }
        }
        Path out = Path.of(spec.output());
        List<ModelCheckpoint> opened = new ArrayList<>();
        if (spec.checkpoints().isEmpty()) {
            opened.add(CheckpointRef.open(null));
        }
        java.util.Map<String, String> byLabel = new java.util.LinkedHashMap<>();
        for (String c : spec.checkpoints()) {
            ModelCheckpoint ckpt = CheckpointRef.open(Path.of(c)); // every checkpoint is validated before work starts
            String other = byLabel.putIfAbsent(CheckpointRef.label(ckpt), c);
            if (other != null) {
                // their result files and chart lines are named by the folder's name: the second would replace the first
                throw new DeltaEvalException("checkpoints " + other + " and " + c + " are both named "
                        + CheckpointRef.label(ckpt) + ", so their results would share one file; give them distinct "
                        + "folder names (or run them one at a time into different output folders)");
            }
            opened.add(ckpt);
        }
        DataSettings data = spec.dataSettings();
        TextSource source = data.source();
        List<String> docs = source.read();
        String dataHash = RunProvenance.dataHash(source);
        ComputeOptions opts = Compute.resolve(spec.compute(), opened.toArray(new ModelCheckpoint[0]));
        Files.createDirectories(out);
        for (int maxLen : spec.maxLen()) {
            List<ExtrapolationReport> reports = new ArrayList<>();
            for (ModelCheckpoint ckpt : opened) {
                reports.add(runOne(spec, ckpt, source, docs, dataHash, maxLen, opts));
            }
            List<Path> charts = spec.noCharts() ? List.of() : ExtrapolationCharts.write(reports, out.resolve("plots"),
                    source.name() + "_" + maxLen, spec.smooth());
            for (ExtrapolationReport r : reports) {
                int train = Math.min(r.trainContext(), maxLen - 1);
                ctx.out().printf(Locale.ROOT, "%-24s max_len %6d  %d sequences  ppl@%d %.3f  ppl@%d %.3f  "
                                + "exceeds +%.0f%% at %s%n", r.model(), maxLen, r.curves().sequences(), train,
                        r.curves().perplexities()[train - 1], maxLen - 1, r.curves().perplexities()[maxLen - 2],
                        spec.margin() * 100, exceed(r, spec.margin()));
            }
            System.err.printf("wrote %d result file%s in %s%s (peak memory so far %d MiB)%n", reports.size(),
                    reports.size() == 1 ? "" : "s", out, charts.isEmpty() ? "" : " and " + charts.size()
                            + " chart files in " + out.resolve("plots"), ProcessMemory.peakRssMb());
        }
    }

    private static String exceed(ExtrapolationReport r, double margin) {
        if (r.trainContext() >= r.curves().perplexities().length) {
            return "n/a (training context " + r.trainContext() + " is not below the " + r.curves().perplexities().length
                    + " positions analysed: analyse longer sequences)";
        }
        int at = r.curves().firstExceedance(r.trainContext(), margin);
        return at < 0 ? "never" : "position " + at;
    }

    private static ExtrapolationReport runOne(ExtrapolateSpec spec, ModelCheckpoint ckpt, TextSource source,
                                              List<String> docs, String dataHash, int maxLen, ComputeOptions opts)
            throws IOException {
        Path out = Path.of(spec.output());
        DataSettings data = spec.dataSettings();
        String model = CheckpointRef.label(ckpt);
        Path file = out.resolve(ExtrapolationReport.fileName(source.name(), maxLen, model));
        int train = spec.trainContext() != null ? spec.trainContext() : ckpt.trainingContext().tokens();
        // every setting that changes a number in the file; a finished result is reused only when all match
        String settings = data.settings(spec.numSequences()) + ",train=" + train + ",bucket=" + spec.bucket()
                + ",margin=" + spec.margin() + ",device=" + opts.device() + ",dtype=" + opts.precision().label();
        if (Files.exists(file) && !spec.recompute()) {
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
        try (TextTokenizer tok = CheckpointRef.tokenizer(ckpt, "extrapolate")) {
            sequences = new SequenceChunker(maxLen, data.mapBatch(), data.seed()).chunks(docs, tok,
                    spec.numSequences());
        }
        ResumeFile resume = new ResumeFile(out.resolve(file.getFileName() + ".partial"),
                ckpt.contentHash() + "|" + dataHash + "|" + maxLen + "|" + data.settings(spec.numSequences()) + "|"
                        + opts.device() + "|" + opts.precision().label());
        PositionCurves acc = resume.loadOrStart(maxLen - 1);
        if (acc.sequences() > 0) {
            System.err.println(model + " max_len " + maxLen + ": resuming after " + acc.sequences() + " sequences");
        }
        long tokens = (long) sequences.size() * (maxLen - 1);
        ProgressLine progress = new ProgressLine(model + " max_len " + maxLen, (int) Math.min(Integer.MAX_VALUE,
                tokens), "tokens");
        try (LanguageModel m = Compute.load(ckpt, opts)) {
            LengthExtrapolation.run(m, sequences, spec.segment(), acc, (done, soFar, scored) -> {
                resume.save(soFar);
                progress.update((int) Math.min(Integer.MAX_VALUE, (long) done * (maxLen - 1)));
            });
        }
        Map<String, Object> prov = RunProvenance.of(ckpt, source, dataHash, data.seed(), opts);
        prov.put("num_sequences_requested", spec.numSequences());
        prov.put("map_batch", data.mapBatch());
        prov.put("segment", spec.segment());
        prov.put("settings", settings);
        ExtrapolationReport report = new ExtrapolationReport(source.name(), maxLen, model, train, spec.bucket(),
                spec.margin(), acc.curves(), prov);
        AtomicFiles.writeJson(file, report.toJson());
        resume.delete();
        return report;
    }
}
