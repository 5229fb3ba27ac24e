package dev.deltaeval.extrapolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.common.DeltaEvalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The results file of one (dataset, max_len, checkpoint): {@code results.perplexities}, {@code results.accuracies}
 * and {@code results.token_losses} exactly as the DeltaProduct script writes them (arrays of max_len - 1 numbers),
 * plus bucketed perplexity, the first exceedance of the training-context perplexity, metadata and provenance.
 *
 * @param model        the checkpoint's display name
 * @param trainContext the checkpoint's training context (max_position_embeddings unless overridden)
 * @param provenance   harness version, checkpoint and data hashes, device, dtype, seed, ...
 */
public record ExtrapolationReport(String dataset, int maxLen, String model, int trainContext, int bucket, double margin,
                                  PositionCurves.Curves curves, Map<String, Object> provenance) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ExtrapolationReport {
        if (bucket < 1) {
            throw new ExtrapolationException(DeltaEvalException.setting("bucket") + " must be at least 1 token, got " + bucket);
        }
    }

    /** The result kind a report recognises this file by (files before it had none: read by their shape). */
    public static final String KIND = "length_extrapolation";
    public static final int SCHEMA_VERSION = 1;

    public static String fileName(String dataset, int maxLen, String model) {
        return dataset + "_" + maxLen + "_" + model + ".json";
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", KIND).put("schema_version", SCHEMA_VERSION);
        ObjectNode r = root.putObject("results");
        array(r.putArray("perplexities"), curves.perplexities());
        array(r.putArray("accuracies"), curves.accuracies());
        array(r.putArray("token_losses"), curves.tokenLosses());
        r.put("bucket_size", bucket);
        array(r.putArray("bucketed_perplexity"), curves.bucketedPerplexity(bucket));
        ObjectNode ex = r.putObject("first_exceedance");
        ex.put("train_context", trainContext).put("margin", margin);
        if (trainContext < curves.perplexities().length) {
            ex.put("position", curves.firstExceedance(trainContext, margin)); // -1: never exceeded
        } else {
            // nothing beyond the training context was analysed: "never" would be a claim the data cannot make
            ex.putNull("position").put("not_measured", "the analysed sequences (" + curves.perplexities().length
                    + " positions) do not go beyond the training context");
        }
        if (trainContext <= curves.perplexities().length) {
            ex.put("perplexity_at_train_context", curves.perplexities()[trainContext - 1]);
        }
        ObjectNode meta = root.putObject("metadata");
        meta.put("dataset", dataset).put("max_len", maxLen).put("model", model)
                .put("num_sequences", curves.sequences()).put("positions", curves.perplexities().length)
                .put("final_perplexity", curves.perplexities()[curves.perplexities().length - 1]);
        root.set("provenance", JSON.valueToTree(provenance));
        return root;
    }

    /** Reads a results file written by DeltaEval (or the curves of one written by the DeltaProduct script). */
    public static ExtrapolationReport read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ExtrapolationException(file + ": not a readable JSON file (" + e.getMessage() + ")");
        }
        JsonNode r = root.path("results");
        double[] ppl = doubles(file, r, "perplexities");
        double[] acc = doubles(file, r, "accuracies");
        double[] tok = doubles(file, r, "token_losses");
        JsonNode meta = root.path("metadata");
        JsonNode ex = r.path("first_exceedance");
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        @SuppressWarnings("unchecked")
        Map<String, Object> prov = root.has("provenance") ? JSON.convertValue(root.get("provenance"), Map.class)
                : Map.of();
        return new ExtrapolationReport(meta.path("dataset").asText(name), meta.path("max_len").asInt(ppl.length + 1),
                meta.path("model").asText(name), ex.path("train_context").asInt(-1), r.path("bucket_size").asInt(2048),
                ex.path("margin").asDouble(0.1), new PositionCurves.Curves(ppl, acc, tok,
                meta.path("num_sequences").asInt(0)), prov);
    }

    private static double[] doubles(Path file, JsonNode results, String field) {
        JsonNode a = results.get(field);
        if (a == null || !a.isArray() || a.isEmpty()) {
            throw new ExtrapolationException(file + ": results." + field + " must be a non-empty array of numbers");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    private static void array(ArrayNode a, double[] xs) {
        for (double x : xs) {
            a.add(x);
        }
    }
}
