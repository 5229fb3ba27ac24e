package dev.deltaeval.cli;

import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.tools.TextScore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Per-token log-probabilities, total NLL and perplexity of a text.",
            "Long texts are scored in segments that carry the recurrent state, so memory stays O(segment) and the "
            + "result equals one pass over the whole text."})
final class ScoreCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Checkpoint directory (default: " + CheckpointRef.DEFAULT + ").")
    Path checkpoint;

    static final class Source {
        @Option(names = "--text", paramLabel = "TEXT", description = "Text to score.", required = true)
        String text;

        @Option(names = "--file", paramLabel = "FILE", description = "UTF-8 file to score.", required = true)
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--no-bos", description = "Do not prepend the tokenizer's special tokens (BOS).")
    boolean noBos;

    @Option(names = "--segment", defaultValue = "4096", paramLabel = "N",
            description = "Tokens per forward pass (default: ${DEFAULT-VALUE}).")
    int segment;

    @Option(names = "--per-token", description = "Print a table of tokens and their log-probabilities.")
    boolean perToken;

    @Option(names = {"--json", "--output", "--out"}, paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() throws IOException {
        TextScore.run(new TextScore.Spec(checkpoint == null ? null : checkpoint.toString(), source.text,
                source.file == null ? null : source.file.toString(), noBos, segment, perToken,
                json == null ? null : json.toString(), compute.request()), DeltaEvalCli.jobContext());
        return 0;
    }
}
