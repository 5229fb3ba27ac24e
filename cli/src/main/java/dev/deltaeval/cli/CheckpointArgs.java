package dev.deltaeval.cli;

import dev.deltaeval.common.DeltaEvalException;
import java.nio.file.Path;

/** A checkpoint given as --checkpoint or as the positional CHECKPOINT that most commands take: one of them. */
final class CheckpointArgs {
    private CheckpointArgs() {
    }

    static Path oneOf(Path option, Path positional) {
        if (option != null && positional != null && !option.equals(positional)) {
            throw new DeltaEvalException("--checkpoint " + option + " and CHECKPOINT " + positional
                    + " name two checkpoints: give one");
        }
        return option != null ? option : positional;
    }
}
