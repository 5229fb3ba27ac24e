package dev.deltaeval.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A run plan (README: "Run plans"): checkpoints, and which of eval, extrapolate and rank to run with which settings,
 * on which device, into one output folder. Unknown fields are errors, so a typo never silently drops a step.
 */
record RunPlan(@JsonProperty(required = true) String output, String device, String dtype,
               @JsonProperty(required = true) List<String> checkpoints, Eval eval, Extrapolate extrapolate,
               Rank rank, Report report) {

    record Eval(@JsonProperty(required = true) List<String> tasks, @JsonProperty("data_dir") String dataDir,
                Integer limit, @JsonProperty("batch_size") Integer batchSize,
                @JsonProperty("lm_eval_compat") String lmEvalCompat) {
    }

    record Extrapolate(String data, String field, String preset, @JsonProperty("max_len") List<Integer> maxLen,
                       @JsonProperty("num_sequences") Integer numSequences,
                       @JsonProperty("train_context") Integer trainContext, Integer segment) {
    }

    record Rank(String data, @JsonProperty("max_len") Integer maxLen, String positions, Integer window,
                @JsonProperty("train_context") Integer trainContext) {
    }

    record Report(String title) {
    }

    static RunPlan read(Path file) {
        ObjectMapper m = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        try {
            RunPlan p = m.readValue(Files.readString(file), RunPlan.class);
            if (p.checkpoints().isEmpty()) {
                throw new IllegalArgumentException(file + ": \"checkpoints\" must list at least one checkpoint");
            }
            if (p.eval() == null && p.extrapolate() == null && p.rank() == null) {
                throw new IllegalArgumentException(file + ": nothing to run (give \"eval\", \"extrapolate\" or \"rank\")");
            }
            return p;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": invalid plan: " + e.getOriginalMessage().split("\n")[0]
                    + (e instanceof com.fasterxml.jackson.databind.JsonMappingException jm && !jm.getPath().isEmpty()
                    ? " (at " + jm.getPathReference() + ")" : ""));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the plan (" + e.getMessage() + ")");
        }
    }
}
