package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.core.scoring.LoglikelihoodRequest;
import dev.deltaeval.core.scoring.LoglikelihoodResult;
import dev.deltaeval.core.scoring.LoglikelihoodScorer;
import dev.deltaeval.core.scoring.NonFiniteScoreException;
import dev.deltaeval.model.NonFiniteOutputException;
import dev.deltaeval.tasks.metrics.DocMetrics;
import dev.deltaeval.tasks.metrics.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs tasks the way lm-eval's evaluate() does: documents to requests, all requests of a task through the
 * scorer in one call (sorted and batched there), per-document metrics, aggregation and standard errors.
 */
public final class Evaluator {
    private final LoglikelihoodScorer scorer;
    private final PairEncoder encoder;
    private final int bootstrapIters;
    private final Generator generator;
    private final LmEvalSemantics semantics;
    /** Documents generated (not taken from the journal) by the last generate_until task run. */
    private int lastGenerated;

    public Evaluator(LoglikelihoodScorer scorer, PairEncoder encoder, int bootstrapIters) {
        this(scorer, encoder, bootstrapIters, null, LmEvalSemantics.CURRENT);
    }

    /** @param generator for generate_until tasks (null when none are run) */
    public Evaluator(LoglikelihoodScorer scorer, PairEncoder encoder, int bootstrapIters, Generator generator,
                     LmEvalSemantics semantics) {
        this.scorer = scorer;
        this.encoder = encoder;
        this.bootstrapIters = bootstrapIters;
        this.generator = generator;
        this.semantics = semantics;
    }

    /** Receives (units done, units in the task, documents per unit): requests, or documents for generation. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total, double documentsPerUnit);
    }

    /** How many documents the last generate_until task generated; the rest came from the journal. */
    public int lastGenerated() {
        return lastGenerated;
    }

    public TaskResult run(TaskSpec spec, Path dataDir, int limit, Progress progress) {
        return run(spec, dataDir, limit, progress, null);
    }

    /**
     * @param journal cache of per-request results: cached requests are not scored again, new results are appended
     *                as they are known (null for no cache)
     */
    public TaskResult run(TaskSpec spec, Path dataDir, int limit, Progress progress, ResultJournal journal) {
        List<ObjectNode> all = DocumentReader.read(dataDir, spec, -1);
        List<ObjectNode> raw = limit >= 0 && limit < all.size() ? all.subList(0, limit) : all;
        List<TaskDoc> docs = RequestBuilder.build(spec, raw, semantics);
        checkGoldLabels(spec, dataDir, docs);
        List<String> notes = Preprocessors.notes(spec, raw);
        if (spec.outputType() == TaskSpec.OutputType.GENERATE_UNTIL) {
            return generate(spec, dataDir, all.size(), docs, progress, journal, notes);
        }
        boolean rolling = spec.outputType() == TaskSpec.OutputType.LOGLIKELIHOOD_ROLLING;
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        int[] firstRequest = new int[docs.size() + 1];
        for (int d = 0; d < docs.size(); d++) {
            firstRequest[d] = requests.size();
            for (TaskDoc.TextRequest r : docs.get(d).requests()) {
                if (rolling) {
                    requests.addAll(encoder.rolling(r.continuation(), scorer.maxLength()));
                } else {
                    requests.add(encoder.encode(r));
                }
            }
        }
        firstRequest[docs.size()] = requests.size();
        double docsPerRequest = docs.size() / (double) Math.max(1, requests.size());
        Progress perRequest = progress == null ? null : (done, total, ignored) -> progress.update(done, total,
                docsPerRequest);
        List<LoglikelihoodResult> flat;
        try {
            flat = scoreWithJournal(requests, perRequest, journal);
        } catch (NonFiniteScoreException e) {
            int d = 0;
            while (firstRequest[d + 1] <= e.request()) {
                d++;
            }
            throw nonFinite(spec, dataDir, d, "log-likelihood", e);
        }
        List<List<LoglikelihoodResult>> responses = new ArrayList<>();
        List<Map<String, Double>> perDoc = new ArrayList<>();
        for (int d = 0; d < docs.size(); d++) {
            List<LoglikelihoodResult> mine = flat.subList(firstRequest[d], firstRequest[d + 1]);
            responses.add(mine);
            switch (spec.outputType()) {
                case MULTIPLE_CHOICE:
                    perDoc.add(DocMetrics.multipleChoice(docs.get(d).choices(), docs.get(d).gold(), mine,
                            spec.metrics()));
                    break;
                case LOGLIKELIHOOD:
                    perDoc.add(DocMetrics.loglikelihood(mine.get(0)));
                    break;
                default:
                    perDoc.add(DocMetrics.rolling(mine, docs.get(d).doc().get(spec.docToTarget()).asText()));
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, Double> stderrs = new LinkedHashMap<>();
        aggregate(spec, perDoc, metrics, stderrs);
        return new TaskResult(spec, all.size(), docs, responses, perDoc, metrics, stderrs, List.of(), notes);
    }

    /** One line: task, document, its file and line, and where in the model the first non-finite value appeared. */
    private static TaskException nonFinite(TaskSpec spec, Path dataDir, int doc, String what, RuntimeException e) {
        return new TaskException("task " + spec.task() + ": document " + doc + " ("
                + DocumentReader.location(dataDir, spec, doc, false) + "): no " + what + ": " + e.getMessage()
                + "; nothing non-finite was journaled");
    }

    /** A gold index outside the choices is a data error, never a score (lm-eval would count it wrong silently). */
    private static void checkGoldLabels(TaskSpec spec, Path dataDir, List<TaskDoc> docs) {
        if (spec.outputType() != TaskSpec.OutputType.MULTIPLE_CHOICE) {
            return;
        }
        for (TaskDoc d : docs) {
            int n = d.choices().size();
            if (d.gold() < 0 || d.gold() >= n) {
                throw new TaskException("task " + spec.task() + ": " + DocumentReader.location(dataDir, spec,
                        d.docId(), true) + ": label " + labelText(spec, d) + " is outside the " + n
                        + " choices (expected an index 0.." + (n - 1) + ")");
            }
        }
    }

    /** The label as the data file has it where it is a plain field (hellaswag's "7"), else the gold index. */
    private static String labelText(TaskSpec spec, TaskDoc d) {
        JsonNode v = spec.labelsField() != null ? d.doc().get(spec.labelsField()) : d.doc().get(spec.docToTarget());
        return v != null && v.isValueNode() ? v.asText() : Integer.toString(d.gold());
    }

    private List<LoglikelihoodResult> scoreWithJournal(List<LoglikelihoodRequest> requests, Progress progress,
                                                       ResultJournal journal) {
        if (journal == null) {
            IntConsumer done = progress == null ? null : n -> progress.update(n, requests.size(), 0);
            return scorer.score(requests, done);
        }
        String[] keys = new String[requests.size()];
        LoglikelihoodResult[] cached = journal.lookup(requests, keys);
        IntConsumer done = progress == null ? null : n -> progress.update(n, requests.size(), 0);
        List<LoglikelihoodResult> scored = scorer.score(requests, done, (i, r) -> {
            if (cached[i] == null) {
                journal.put(keys[i], r);
            }
        }, i -> cached[i] != null);
        LoglikelihoodResult[] all = new LoglikelihoodResult[requests.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = scored.get(i) != null ? scored.get(i) : cached[i];
        }
        return java.util.Arrays.asList(all);
    }

    /**
     * generate_until documents, one greedy generation each, decoded in batches (journaled as each batch finishes, so
     * a rerun generates only what is missing).
     */
    private TaskResult generate(TaskSpec spec, Path dataDir, int original, List<TaskDoc> docs, Progress progress,
                                ResultJournal journal, List<String> notes) {
        TaskSpec.Generation g = spec.generation(semantics);
        String[] texts = new String[docs.size()];
        String[] keys = new String[docs.size()];
        List<Integer> missing = new ArrayList<>();
        for (int d = 0; d < docs.size(); d++) {
            TaskDoc.TextRequest r = docs.get(d).requests().get(0);
            keys[d] = journal == null ? null : journal.generationKey(r.context(), g.until(), g.maxGenToks());
            texts[d] = keys[d] == null ? null : journal.generation(keys[d]);
            if (texts[d] == null) {
                missing.add(d);
            }
        }
        lastGenerated = missing.size();
        int[] done = {docs.size() - missing.size()};
        if (progress != null && done[0] > 0) {
            progress.update(done[0], docs.size(), 1);
        }
        if (!missing.isEmpty()) {
            if (generator == null) {
                throw new TaskException("task " + spec.task() + " generates text, but no generator was configured");
            }
            List<String> contexts = new ArrayList<>();
            for (int d : missing) {
                contexts.add(docs.get(d).requests().get(0).context());
            }
            try {
                generator.generateAll(contexts, g.until(), g.maxGenToks(), (i, text) -> {
                    int d = missing.get(i);
                    texts[d] = text;
                    if (journal != null) {
                        journal.putGeneration(keys[d], text);
                    }
                    done[0]++;
                    if (progress != null) {
                        progress.update(done[0], docs.size(), 1);
                    }
                });
            } catch (NonFiniteOutputException e) {
                throw nonFinite(spec, dataDir, missing.get(e.row()), "generation", e);
            }
        }
        List<List<LoglikelihoodResult>> responses = new ArrayList<>();
        List<Map<String, Double>> perDoc = new ArrayList<>();
        List<String> generations = java.util.Arrays.asList(texts);
        for (int d = 0; d < docs.size(); d++) {
            responses.add(List.of());
            perDoc.add(Map.of("contains", Generator.contains(texts[d], docs.get(d).requests().get(0).continuation())));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, Double> stderrs = new LinkedHashMap<>();
        aggregate(spec, perDoc, metrics, stderrs);
        return new TaskResult(spec, original, docs, responses, perDoc, metrics, stderrs, generations, notes);
    }

    /** Every metric the task's definition lists, aggregated as its registered {@link Metric} says. */
    private void aggregate(TaskSpec spec, List<Map<String, Double>> perDoc, Map<String, Double> metrics,
                           Map<String, Double> stderrs) {
        for (String name : spec.metrics()) {
            Metric m = TaskMetrics.of(spec, name);
            metrics.put(name, m.aggregate(perDoc));
            stderrs.put(name, m.stderr(perDoc, bootstrapIters));
        }
    }
}
