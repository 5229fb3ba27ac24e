package dev.deltaeval.cli;

import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.deltanet.models.RandomCheckpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Write a random-weight checkpoint in fla's exact on-disk format.",
            "For benchmarks and tests. --config takes a file or a bundled DeltaProduct config name."})
final class InitCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE|NAME", description = "config.json or bundled name.")
    String config;

    @Option(names = {"--output", "--out"}, required = true, paramLabel = "DIR", description = "Directory to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--layout", defaultValue = "auto", paramLabel = "auto|fla-0.2.2|fla-current",
            description = "Tensor layout (default: ${DEFAULT-VALUE}: fla 0.2.2 for configs with use_gate, else current).")
    String layout;

    @Option(names = "--stored-dtype", defaultValue = "f32", paramLabel = "f32|bf16",
            description = "Element type of the written weights (default: ${DEFAULT-VALUE}).")
    String storedDtype;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "A tokenizer.json to copy into the checkpoint.")
    Path tokenizer;

    @Override
    public Integer call() throws IOException {
        DeltaNetCheckpoint c = RandomCheckpoints.write(config, out, seed, layout, storedDtype, tokenizer);
        System.out.printf("wrote %s: %s, layout %s, %,d parameters%n", out, c.info().summary(),
                c.layout().label(), c.parameterCount());
        return 0;
    }
}
