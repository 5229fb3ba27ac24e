package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One vocabulary over every command: where a command writes, both --out and --output name the place; a batch size
 * is --batch-size (--batch accepted); a sequence length is --max-length (--max-len accepted); a command that takes
 * --checkpoint also takes the positional CHECKPOINT the other commands take.
 */
class OptionVocabularyTest {
    private static final List<Set<String>> SYNONYMS = List.of(Set.of("--out", "--output"),
            Set.of("--batch-size", "--batch"), Set.of("--max-length", "--max-len"));

    private static void walk(CommandLine cl, List<CommandSpec> out) {
        out.add(cl.getCommandSpec());
        cl.getSubcommands().values().forEach(sub -> {
            if (!sub.getCommandName().equals("help")) {
                walk(sub, out);
            }
        });
    }

    @Test
    void synonymsComeTogether() {
        List<CommandSpec> commands = new ArrayList<>();
        walk(new CommandLine(new DeltaEvalCli()), commands);
        List<String> broken = new ArrayList<>();
        for (CommandSpec c : commands) {
            for (OptionSpec o : c.options()) {
                List<String> names = List.of(o.names());
                for (Set<String> group : SYNONYMS) {
                    if (names.stream().anyMatch(group::contains) && !names.containsAll(group)) {
                        broken.add(c.qualifiedName() + " " + names + " lacks one of " + group);
                    }
                }
            }
            if (c.findOption("--checkpoint") != null && c.positionalParameters().stream()
                    .noneMatch(p -> p.paramLabel().equals("CHECKPOINT"))) {
                broken.add(c.qualifiedName() + " takes --checkpoint but not CHECKPOINT");
            }
        }
        assertEquals(List.of(), broken);
    }
}
