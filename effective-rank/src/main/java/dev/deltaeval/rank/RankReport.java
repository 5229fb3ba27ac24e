package dev.deltaeval.rank;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The results file of one rank run: recurrent-state measures per layer, capture and head; hidden-state measures per
 * entry (whole sequence, covariance, windows); document boundaries; metadata and provenance.
 *
 * @param bosPositions 0-based token positions holding BOS (document starts)
 * @param hidden       null when hidden states were not analysed
 */
public record RankReport(String dataset, String model, long tokens, int trainContext, String positions, double relTol,
                         long[] bosPositions, StateRanks states, HiddenRanks hidden, Map<String, Object> provenance) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The result kind a report recognises this file by (files before it had none: read by their shape). */
    public static final String KIND = "effective_rank";
    public static final int SCHEMA_VERSION = 1;

    public static String fileName(String dataset, long tokens, String model) {
        return "rank_" + dataset + "_" + tokens + "_" + model + ".json";
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", KIND).put("schema_version", SCHEMA_VERSION);
        ObjectNode meta = root.putObject("metadata");
        meta.put("dataset", dataset).put("model", model).put("tokens", tokens).put("train_context", trainContext)
                .put("positions", positions).put("numerical_rank_rel_tol", relTol)
                .put("effective_rank", "Roy & Vetterli: exp(-sum p log p), p = sigma / sum(sigma), sigma > 2.22e-16")
                .put("participation_ratio", "(sum sigma^2)^2 / sum sigma^4");
        root.set("bos_positions", JSON.valueToTree(bosPositions));
        if (states != null) {
            ObjectNode rs = root.putObject("recurrent_state");
            rs.put("householder", states.householder()).put("layers", states.layers()).put("heads", states.heads());
            rs.set("substeps", JSON.valueToTree(states.substeps()));
            ArrayNode layers = rs.putArray("per_layer");
            for (int l = 0; l < states.layers(); l++) {
                ObjectNode o = layers.addObject().put("layer", l);
                o.set("effective_rank", JSON.valueToTree(states.effectiveRank()[l]));
                o.set("numerical_rank", JSON.valueToTree(states.numericalRank()[l]));
                o.set("participation_ratio", JSON.valueToTree(states.participation()[l]));
            }
        }
        if (hidden != null) {
            ObjectNode hs = root.putObject("hidden_states");
            hs.put("window", hidden.window());
            hs.set("window_starts", JSON.valueToTree(hidden.windowStarts()));
            ArrayNode entries = hs.putArray("entries");
            for (int e = 0; e < hidden.names().size(); e++) {
                ObjectNode o = entries.addObject().put("entry", e).put("name", hidden.names().get(e));
                o.set("whole", measures(hidden.whole()[e]));
                o.set("covariance", measures(hidden.covariance()[e]));
                ObjectNode w = o.putObject("windows");
                ArrayNode er = w.putArray("effective_rank");
                ArrayNode nr = w.putArray("numerical_rank");
                ArrayNode pr = w.putArray("participation_ratio");
                for (SpectralMeasures m : hidden.windowed()[e]) {
                    er.add(m.effectiveRank());
                    nr.add(m.numericalRank());
                    pr.add(m.participationRatio());
                }
            }
        }
        root.set("provenance", JSON.valueToTree(provenance));
        return root;
    }

    private static ObjectNode measures(SpectralMeasures m) {
        return JSON.createObjectNode().put("effective_rank", m.effectiveRank()).put("numerical_rank", m.numericalRank())
                .put("participation_ratio", m.participationRatio());
    }
}
