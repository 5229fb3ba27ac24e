package dev.deltaeval.cli;

import java.nio.file.Path;

/** Where the bundled default checkpoint lives, relative to the launcher's working directory. */
final class CheckpointArg {
    static final String DEFAULT = "checkpoints/demo-dp2-6m";

    private CheckpointArg() {
    }

    static Path resolve(Path given) {
        return given != null ? given : Path.of(DEFAULT);
    }
}
