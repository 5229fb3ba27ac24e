package dev.deltaeval.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.common.DeltaEvalException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Specs as JSON, the one place that reads and hashes them: snake_case field names as plan files write them,
 * unknown fields refused (a typo never silently drops a setting), keys sorted so that a hash does not depend on
 * field order.
 */
public final class SpecJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private SpecJson() {
    }

    /** A plan section (or any JSON object) as a spec; {@code where} names it in errors. */
    public static <S> S read(JsonNode section, Class<S> type, String where) {
        try {
            return MAPPER.treeToValue(section, type);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            String path = e instanceof com.fasterxml.jackson.databind.JsonMappingException jm && !jm.getPath().isEmpty()
                    ? " (at " + jm.getPathReference() + ")" : "";
            throw new DeltaEvalException(where + ": " + e.getOriginalMessage().split("\n")[0] + path);
        }
    }

    /** The spec as a JSON object (every field, nulls included, keys sorted). */
    public static ObjectNode tree(JobSpec spec) {
        ObjectNode n = MAPPER.valueToTree(spec);
        n.remove("kind"); // the kind is the section's name, not a field of it
        return n;
    }

    /**
     * SHA-256 of what the spec computes: every field but its output folder, so the same work in another folder
     * (a plan unit's) has the same hash.
     */
    public static String hash(JobSpec spec) {
        ObjectNode n = tree(spec);
        n.remove("output");
        n.put("kind", spec.kind());
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(MAPPER.writeValueAsString(n)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

}
