package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.tools.CheckpointFacts;
import java.io.IOException;
import java.nio.file.Path;
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

    @Option(names = {"--json", "--output", "--out"}, paramLabel = "FILE", description = "Also write the facts as JSON.")
    Path json;

    @Option(names = "--hash", description = "Compute the SHA-256 content hash (reads every weight file).")
    boolean hash;

    @Override
    public Integer call() throws IOException {
        Map<String, Object> facts = CheckpointFacts.of(CheckpointRef.open(checkpoint), hash);
        facts.forEach((key, value) -> System.out.printf("%-17s %s%n", key, CheckpointFacts.show(key, value)));
        if (json != null) {
            AtomicFiles.writeJson(json, facts);
        }
        return 0;
    }
}
