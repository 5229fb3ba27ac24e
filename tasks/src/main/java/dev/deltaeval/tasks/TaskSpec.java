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
 */
public record TaskSpec(String task, double version, OutputType outputType, String dataFile, String labelsFile,
                       String labelsField, String processDocs, boolean multipleInput, String docToText,
                       JsonNode docToChoice, String docToTarget, String continuation, List<String> metrics,
                       JsonNode generation) {

    /** generate_until arguments under one lm-eval semantics. */
    public record Generation(boolean strip, List<String> until, int maxGenToks) {
    }

    public Generation generation(LmEvalSemantics semantics) {
        JsonNode g = generation.get(semantics.label());
        List<String> until = new java.util.ArrayList<>();
        g.get("until").forEach(u -> until.add(u.asText()));
        return new Generation(g.get("strip").asBoolean(), until, g.get("max_gen_toks").asInt());
    }


    /** lm-eval's request kinds that DeltaEval runs. */
    public enum OutputType { MULTIPLE_CHOICE, LOGLIKELIHOOD, LOGLIKELIHOOD_ROLLING, GENERATE_UNTIL }

    /** lm-eval's default target delimiter, put between context and each choice. */
    public static final String TARGET_DELIMITER = " ";
}
