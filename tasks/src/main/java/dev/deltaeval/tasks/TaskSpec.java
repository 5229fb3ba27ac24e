package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A task as data (a resource file, like lm-eval's YAML): where its documents are, how a document becomes a context,
 * choices and a gold answer, and which metrics it reports.
 *
 * @param dataFile      file name inside the data directory
 * @param labelsFile    optional file with one label per line, joined into {@code labelsField}
 * @param processDocs   optional named preprocessor ({@link Preprocessors}), lm-eval's {@code process_docs}
 * @param multipleInput winogrande's mode: one context per choice, one shared continuation
 * @param docToText     template of the context, or (multiple input) the field holding the contexts
 * @param docToChoice   list of templates, or the field holding the list of choices
 * @param docToTarget   field holding the gold index (multiple choice) or template of the target (loglikelihood)
 * @param continuation  template of the shared continuation in multiple-input mode
 * @param generation    generate_until settings per lm-eval semantics label: strip, until, max_gen_toks
 * @param loggedDoc     which document the samples file shows, as lm-eval logs it: the document as read, or (where
 *                      lm-eval's own process_docs adds fields, HellaSwag) the processed one
 * @param loggedTarget  what lm-eval's doc_to_target gives for a multiple-choice task, logged as the sample's target
 * @param lmEvalConfig  lm-eval's task configuration as its results file dumps it ({@code configs.<task>}): dataset,
 *                      splits, templates, metric list with aggregation and direction
 * @param detokenizer   the text function applied to a rolling task's page before scoring ({@link TaskCode}), or null
 */
public record TaskSpec(String task, double version, OutputType outputType, String dataFile, String labelsFile,
                       String labelsField, String processDocs, boolean multipleInput, String docToText,
                       JsonNode docToChoice, String docToTarget, String continuation, List<String> metrics,
                       JsonNode generation, LoggedDoc loggedDoc, LoggedTarget loggedTarget, JsonNode lmEvalConfig,
                       String detokenizer) {

    /** The document a sample shows: as read from the data file, or after lm-eval's own process_docs. */
    public enum LoggedDoc { RAW, PROCESSED }

    /** lm-eval's target of a multiple-choice document: the gold index, the gold choice's text, or the continuation. */
    public enum LoggedTarget { GOLD_INDEX, GOLD_CHOICE, CONTINUATION }

    /** generate_until arguments under one lm-eval semantics. */
    public record Generation(boolean strip, List<String> until, int maxGenToks) {
    }

    public Generation generation(LmEvalSemantics semantics) {
        JsonNode g = generation.get(semantics.label());
        List<String> until = new java.util.ArrayList<>();
        g.get("until").forEach(u -> until.add(u.asText()));
        return new Generation(g.get("strip").asBoolean(), until, g.get("max_gen_toks").asInt());
    }


    /**
     * The generation kwargs lm-eval puts into a generate_until request (its second argument): the definition's
     * {@code kwargs} where lm-eval passes more than until and max_gen_toks (squad_completion's task defaults), else
     * those two.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode generationKwargs(LmEvalSemantics semantics) {
        JsonNode g = generation.get(semantics.label());
        if (g.has("kwargs")) {
            return g.get("kwargs").deepCopy();
        }
        com.fasterxml.jackson.databind.node.ObjectNode kwargs =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        kwargs.set("until", g.get("until").deepCopy());
        kwargs.set("max_gen_toks", g.get("max_gen_toks"));
        return kwargs;
    }

    /** lm-eval's request kinds that DeltaEval runs. */
    public enum OutputType { MULTIPLE_CHOICE, LOGLIKELIHOOD, LOGLIKELIHOOD_ROLLING, GENERATE_UNTIL }

    /** The output type as lm-eval and the task definitions spell it, e.g. "multiple_choice". */
    public String outputTypeName() {
        return outputType.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** lm-eval's default target delimiter, put between context and each choice. */
    public static final String TARGET_DELIMITER = " ";
}
