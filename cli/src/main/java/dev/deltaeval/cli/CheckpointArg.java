package dev.deltaeval.cli;

import dev.deltaeval.checkpoints.Checkpoint;
import dev.deltaeval.core.ModelException;
import dev.deltaeval.core.tokenizer.TextTokenizer;
import java.nio.file.Path;

/** Where the bundled default checkpoint lives, relative to the launcher's working directory. */
final class CheckpointArg {
    static final String DEFAULT = "checkpoints/demo-dp2-6m";

    private CheckpointArg() {
    }

    static Path resolve(Path given) {
        return given != null ? given : Path.of(DEFAULT);
    }

    /** The checkpoint's tokenizer, or one clear line saying which command needs it. */
    static TextTokenizer tokenizer(Checkpoint ckpt, String command) {
        Path file = ckpt.tokenizerFile().orElseThrow(() -> new ModelException(ckpt.dir().resolve(Checkpoint.TOKENIZER_FILE)
                + ": tokenizer file not found (" + command + " needs the checkpoint's tokenizer.json)"));
        return TextTokenizer.load(file);
    }
}
