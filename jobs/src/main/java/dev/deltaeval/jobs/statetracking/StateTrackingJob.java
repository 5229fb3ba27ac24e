package dev.deltaeval.jobs.statetracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.Harness;
import dev.deltaeval.jobs.Job;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.PlanScope;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.jobs.ProgressLine;
import dev.deltaeval.jobs.ResultKind;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.statetracking.FiniteGroup;
import dev.deltaeval.statetracking.GroupVocab;
import dev.deltaeval.statetracking.Groups;
import dev.deltaeval.statetracking.PrefixAccuracy;
import dev.deltaeval.statetracking.SequenceSetHash;
import dev.deltaeval.statetracking.WordProblem;
import dev.deltaeval.statetracking.WordProblemCsv;
import dev.deltaeval.statetracking.WordProblemSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The DeltaProduct paper's state-tracking measurement: word problems of a group read with [BOS] first, the label at
 * every position the product so far (no shift), argmax over the whole vocabulary; per position the share of
 * sequences right up to there (the paper's accuracy-by-length curve). Each sequence starts from a fresh state;
 * long lengths run in segments with the state carried across, so memory does not grow with the length.
 */
public final class StateTrackingJob implements Job<StateTrackingSpec> {
    public static final String KIND = "state_tracking";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<StateTrackingSpec> specType() {
        return StateTrackingSpec.class;
    }

    @Override
    public List<PlannedUnit> plan(StateTrackingSpec section, PlanScope scope) {
        if (section.kTest().isEmpty()) {
            throw new DeltaEvalException(DeltaEvalException.setting("k_test") + " is an empty list: no test lengths to run");
        }
        List<PlannedUnit> units = new ArrayList<>();
        for (int k : section.kTest()) {
            units.add(new PlannedUnit(KIND + "/" + scope.model() + "/" + k, scope.model(), section.unit(
                    scope.checkpoint(), k, scope.output(), scope.device(null), scope.dtype(null)),
                    scope.parameters() * section.samples() * (double) (k + 1)));
        }
        return units;
    }

    @Override
    public StateTrackingSpec inFolder(StateTrackingSpec spec, Path out) {
        return spec.withOutput(out.toString());
    }

    @Override
    public ResultKind results() {
        return new StateTrackingResults();
    }

    @Override
    public void run(StateTrackingSpec spec, JobContext ctx) throws IOException {
        if (spec.kTest().isEmpty()) {
            throw new DeltaEvalException(DeltaEvalException.setting("k_test") + " is an empty list: no test lengths to run");
        }
        if (spec.batchSize() < 0 || spec.segment() < 0) {
            throw new DeltaEvalException(DeltaEvalException.setting("batch_size") + " and "
                    + DeltaEvalException.setting("segment") + " must be at least 1 (or 0: automatic)");
        }
        if (spec.checkpoints().isEmpty()) {
            throw new DeltaEvalException("give the word-problem checkpoints to evaluate");
        }
        List<ModelCheckpoint> opened = new ArrayList<>();
        for (String c : spec.checkpoints()) {
            opened.add(CheckpointRef.open(Path.of(c)));
        }
        ComputeOptions opts = Compute.resolve(spec.compute(), opened.toArray(new ModelCheckpoint[0]));
        Path out = Path.of(spec.output());
        Files.createDirectories(out);
        java.util.Map<String, List<JsonNode>> byGroupAndLength = new java.util.TreeMap<>();
        for (ModelCheckpoint ckpt : opened) {
            WordProblemCheckpoint wp = WordProblemCheckpoint.of(ckpt, spec.group(), spec.kTrain());
            Groups.Variant variant = Groups.variant(wp.group());
            FiniteGroup g = variant.group();
            GroupVocab vocab = GroupVocab.of(variant, ckpt.info().vocabSize(),
                    ckpt.dir().resolve("config.json").toString());
            String model = CheckpointRef.label(ckpt);
            try (LanguageModel m = Compute.load(ckpt, opts)) {
                for (int k : spec.data() != null ? List.of(-1) : spec.kTest()) {
                    List<WordProblem> problems = spec.data() != null ? read(Path.of(spec.data()), variant)
                            : WordProblemSampler.sample(variant, k, spec.samples(), spec.seed());
                    int length = problems.get(0).input().length;
                    ObjectNode result = evaluate(m, vocab, problems, spec, model, wp, g, length, opts, ckpt);
                    Path file = out.resolve("state_tracking_" + g.name() + "_" + length + "_" + model + ".json");
                    AtomicFiles.writeJson(file, result);
                    byGroupAndLength.computeIfAbsent(g.name() + "_" + length, x -> new ArrayList<>()).add(result);
                    if (!spec.noCharts()) {
                        StateTrackingCharts.write(List.of(result), out.resolve("plots").resolve(file.getFileName()
                                .toString().replaceFirst("\\.json$", "")));
                    }
                    ObjectNode metrics = (ObjectNode) result.get("metrics");
                    ctx.out().printf(Locale.ROOT, "%-24s %-8s k %6d  %d sequences  acc@%d %.4f  acc@%d %.4f  "
                                    + "longest >= 0.99: %d%n", model, g.name(), length, problems.size(),
                            wp.kTrain(), metrics.get("acc_at_k_train").asDouble(), length,
                            metrics.get("sequence_accuracy").asDouble(), metrics.get("max_len_at_0.99").asInt());
                    System.err.println("wrote " + file);
                }
            }
        }
        if (!spec.noCharts()) { // the paper's figure: every checkpoint of a group and length on one chart
            for (var e : byGroupAndLength.entrySet()) {
                if (e.getValue().size() > 1) {
                    List<Path> charts = StateTrackingCharts.write(e.getValue(), out.resolve("plots")
                            .resolve("state_tracking_" + e.getKey()));
                    if (!charts.isEmpty()) {
                        System.err.println("wrote " + charts.get(0));
                    }
                }
            }
        }
    }

    private static List<WordProblem> read(Path csv, Groups.Variant variant) throws IOException {
        List<WordProblem> out = new ArrayList<>();
        WordProblemCsv.read(csv, variant.symbols()).forEach(r -> out.add(r.problem()));
        if (out.isEmpty()) {
            throw new DeltaEvalException(csv + ": no sequences");
        }
        int k = out.get(0).input().length;
        for (WordProblem w : out) {
            if (w.input().length != k) {
                throw new DeltaEvalException(csv + ": sequences of different lengths (" + k + " and "
                        + w.input().length + "); give one file per length");
            }
        }
        return out;
    }

    private static ObjectNode evaluate(LanguageModel m, GroupVocab vocab, List<WordProblem> problems,
                                       StateTrackingSpec spec, String model, WordProblemCheckpoint wp,
                                       FiniteGroup g, int k, ComputeOptions opts, ModelCheckpoint ckpt) {
        PrefixAccuracy acc = new PrefixAccuracy(k + 1);
        double nll = 0;
        ProgressLine progress = new ProgressLine(model + " " + g.name() + " k " + k, problems.size(), "sequences");
        int batchSize = batchFor(spec, k, opts);
        int segment = segmentFor(spec, batchSize, opts);
        for (int from = 0; from < problems.size(); from += batchSize) {
            List<WordProblem> batch = problems.subList(from, Math.min(problems.size(), from + batchSize));
            int b = batch.size();
            long[] ids = new long[b * (k + 1)];
            long[] labels = new long[b * (k + 1)];
            for (int i = 0; i < b; i++) {
                ids[i * (k + 1)] = vocab.bos();
                labels[i * (k + 1)] = vocab.bos();
                for (int t = 0; t < k; t++) {
                    ids[i * (k + 1) + t + 1] = batch.get(i).input()[t];
                    labels[i * (k + 1) + t + 1] = batch.get(i).target()[t];
                }
            }
            boolean[][] correct = new boolean[b][k + 1];
            nll += score(m, new TokenBatch(ids, b, k + 1), new TokenBatch(labels, b, k + 1), segment,
                    correct);
            for (boolean[] c : correct) {
                acc.add(c);
            }
            progress.update(from + b);
        }
        int kTrain = Math.min(wp.kTrain(), k);
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", KIND).put("schema_version", 1);
        root.put("model", model).put("label", wp.label()).put("group", g.name()).put("group_order", g.order()).put("k_test", k)
                .put("k_train", wp.kTrain()).put("sequences", acc.sequences());
        ObjectNode metrics = root.putObject("metrics");
        metrics.put("sequence_accuracy", acc.sequenceAccuracy()).put("token_accuracy_mean", acc.tokenAccuracyMean())
                .put("loss", nll / (acc.sequences() * (double) (k + 1)))
                .put("acc_at_k_train", acc.prefixSequenceAccuracy()[kTrain]).put("max_len_at_0.99",
                        acc.longestAtLeast(0.99));
        metrics.set("wilson95_at_k_train", JSON.valueToTree(acc.wilson95(kTrain)));
        metrics.set("wilson95_at_k_test", JSON.valueToTree(acc.wilson95(k)));
        root.set("prefix_sequence_accuracy", JSON.valueToTree(acc.prefixSequenceAccuracy()));
        root.set("token_accuracy", JSON.valueToTree(acc.tokenAccuracy()));
        ObjectNode prov = root.putObject("provenance");
        prov.put("harness_version", Harness.VERSION).put("checkpoint", ckpt.dir().toString())
                .put("checkpoint_sha256", ckpt.contentHash()).put("group_from", wp.source())
                .put("data", spec.data() != null ? spec.data() : "generated: DeltaProduct generate_data.py, seed "
                        + spec.seed() + ", " + spec.samples() + " samples")
                .put("data_sha256", SequenceSetHash.sha256(g.name(), problems))
                .put("device", opts.deviceLabel()).put("dtype", opts.precision().label())
                .put("kernels", Compute.kernelsInUse()).put("batch_size", batchSize)
                .put("segment", segment).put("seed", spec.seed())
                .put("date", java.time.Instant.now().toString());
        return root;
    }

    /** Tokens per sequence in one pass when the setting is automatic: batch x segment within this many. */
    static final int CPU_TOKEN_BUDGET = 1 << 15;
    static final int GPU_TOKEN_BUDGET = 1 << 18;

    /**
     * Sequences per pass: the setting, or as many whole sequences of {@code k + 1} tokens as the token budget holds
     * (at least one; a longer sequence then runs in segments).
     */
    static int batchFor(StateTrackingSpec spec, int k, ComputeOptions opts) {
        if (spec.batchSize() > 0) {
            return spec.batchSize();
        }
        return Math.max(1, budget(opts) / (k + 1));
    }

    private static int budget(ComputeOptions opts) {
        return opts.device().isGpu() ? GPU_TOKEN_BUDGET : CPU_TOKEN_BUDGET;
    }

    /**
     * The segment length: the setting, or the token budget over the batch (at least 64). The chunked kernel's
     * temporaries take about 90 KB per token of a one-layer S3 model (n_h = 2, 8 heads): 64 sequences of 4096
     * tokens in one pass needed more than 24 GB and the process was killed; 32768 tokens take about 3 GB.
     */
    static int segmentFor(StateTrackingSpec spec, int batch, ComputeOptions opts) {
        if (spec.segment() > 0) {
            return spec.segment();
        }
        return Math.max(64, budget(opts) / Math.max(1, batch));
    }

    /**
     * One batch through the model, segment by segment with the state carried: fills {@code correct} (argmax over
     * the vocabulary at each position against that position's label) and returns the summed negative
     * log-likelihood of the labels.
     */
    private static double score(LanguageModel m, TokenBatch ids, TokenBatch labels, int segment,
                                boolean[][] correct) {
        int b = ids.batch();
        int len = ids.length();
        double nll = 0;
        RecurrentState state = null;
        try {
            for (int from = 0; from < len; from += segment) {
                int to = Math.min(len, from + segment);
                ForwardRequest req = ForwardRequest.score(labels.slice(from, to));
                ForwardOutput o = m.forward(ids.slice(from, to), state, to < len ? req.withState() : req);
                if (state != null) {
                    state.close();
                }
                state = o.state();
                int w = to - from;
                for (int i = 0; i < b; i++) {
                    for (int t = 0; t < w; t++) {
                        correct[i][from + t] = o.argmax()[i * w + t] == labels.ids()[i * len + from + t];
                        nll -= o.targetLogProbs()[i * w + t];
                    }
                }
            }
        } finally {
            if (state != null) {
                state.close();
            }
        }
        return nll;
    }
}
