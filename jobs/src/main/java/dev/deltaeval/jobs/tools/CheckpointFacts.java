package dev.deltaeval.jobs.tools;

import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.model.ModelCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What {@code inspect} says of a checkpoint: its facts, in display order, and how a person reads each. */
public final class CheckpointFacts {
    private CheckpointFacts() {
    }

    /**
     * The facts (a tokenizer.json that exists but does not load is an error, not a fact).
     *
     * @param withHash also the SHA-256 content hash (reads every weight file)
     */
    public static Map<String, Object> of(ModelCheckpoint c, boolean withHash) throws IOException {
                Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("checkpoint", c.dir().toString());
        facts.put("model", c.info().summary());
        facts.put("model_type", c.info().modelType());
        facts.put("layout", c.layoutLabel());
        facts.put("parameters", c.parameterCount());
        facts.putAll(c.architectureFacts());
        ModelCheckpoint.TrainingContext train = c.trainingContext();
        facts.put("training_context", train.tokens() + " (" + train.source() + ")");
        facts.put("vocab_size", c.info().vocabSize());
        facts.put("stored_dtypes", c.storedDtypes());
        long bytes = 0;
        for (Path f : c.weightFiles()) {
            bytes += Files.size(f);
        }
        facts.put("weight_files", c.weightFiles().size() + " file(s), " + String.format("%.1f MB", bytes / 1e6));
        if (c.tokenizerFile().isPresent()) {
            // parse it: a tokenizer.json that exists but does not load is an error, not a fact
            CheckpointRef.tokenizer(c, "inspect").close();
        }
        facts.put("tokenizer", c.tokenizerFile().map(Path::toString)
                .orElse("missing (score/generate need tokenizer.json)"));
        if (withHash) {
            facts.put("sha256", c.contentHash());
        }
        List<String> warnings = new ArrayList<>(c.warnings());
        if (c.tokenizerFile().isPresent()) {
            int ids = tokenizerIds(c.tokenizerFile().get());
            int rows = c.info().vocabSize();
            facts.put("tokenizer_ids", ids + (ids == rows ? "" : " (the embedding has " + rows + " rows)"));
            if (ids > rows) {
                warnings.add("tokenizer.json has ids up to " + (ids - 1) + ", but the embedding has " + rows
                        + " rows: texts with those tokens cannot be scored");
            }
        }
        facts.put("warnings", warnings);
        return facts;
    }

    /** How many ids the tokenizer can produce: one more than the largest in its vocabulary and added tokens. */
    static int tokenizerIds(Path tokenizerJson) throws IOException {
        com.fasterxml.jackson.databind.JsonNode t = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(tokenizerJson.toFile());
        int max = -1;
        for (com.fasterxml.jackson.databind.JsonNode id : t.path("model").path("vocab")) {
            max = Math.max(max, id.asInt(-1));
        }
        for (com.fasterxml.jackson.databind.JsonNode added : t.path("added_tokens")) {
            max = Math.max(max, added.path("id").asInt(-1));
        }
        return max + 1;
    }

    /** A fact as a person reads it: "BF16 (86 tensors)", warnings one after another or "none"; JSON keeps the values. */
    public static String show(String key, Object value) {
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(x -> x.getKey() + (key.equals("stored_dtypes") ? " (" + x.getValue()
                    + " tensors)" : ": " + x.getValue())).collect(Collectors.joining(", "));
        }
        if (value instanceof java.util.Collection<?> list) {
            return list.isEmpty() ? "none" : list.stream().map(String::valueOf)
                    .collect(Collectors.joining("; "));
        }
        return String.valueOf(value);
    }
}
