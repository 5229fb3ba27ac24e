package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.model.ModelCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a checkpoint's model type, layout, sizes, parameter count, dtypes, tokenizer and warnings. "
                + "Validates every tensor against the config without loading the model.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Checkpoint directory (default: " + CheckpointRef.DEFAULT + ").")
    Path checkpoint;

    @Option(names = {"--json", "--output"}, paramLabel = "FILE", description = "Also write the facts as JSON.")
    Path json;

    @Option(names = "--hash", description = "Compute the SHA-256 content hash (reads every weight file).")
    boolean hash;

    @Override
    public Integer call() throws IOException {
        ModelCheckpoint c = CheckpointRef.open(checkpoint);
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
        facts.put("tokenizer", c.tokenizerFile().map(Path::toString).orElse("missing (score/generate need tokenizer.json)"));
        if (hash) {
            facts.put("sha256", c.contentHash());
        }
        facts.put("warnings", c.warnings());
        for (Map.Entry<String, Object> e : facts.entrySet()) {
            System.out.printf("%-17s %s%n", e.getKey(), show(e.getKey(), e.getValue()));
        }
        if (json != null) {
            AtomicFiles.writeJson(json, facts);
        }
        return 0;
    }

    /** A fact as a person reads it: "BF16 (86 tensors)", warnings one after another or "none"; JSON keeps the values. */
    private static String show(String key, Object value) {
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(x -> x.getKey() + (key.equals("stored_dtypes") ? " (" + x.getValue()
                    + " tensors)" : ": " + x.getValue())).collect(java.util.stream.Collectors.joining(", "));
        }
        if (value instanceof java.util.Collection<?> list) {
            return list.isEmpty() ? "none" : list.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining("; "));
        }
        return String.valueOf(value);
    }
}
