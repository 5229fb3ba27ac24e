package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Every command's --help, read as a newcomer does: paragraphs that end where sentences end (picocli starts a new line
 * for each description element, so an element cut mid-sentence printed "e." and "g." on two lines), and every
 * positional parameter and option explained.
 */
class HelpTextTest {
    private static void walk(CommandLine cl, List<CommandSpec> out) {
        out.add(cl.getCommandSpec());
        cl.getSubcommands().values().forEach(sub -> {
            if (!sub.getCommandName().equals("help")) {
                walk(sub, out);
            }
        });
    }

    private static List<CommandSpec> commands() {
        List<CommandSpec> out = new ArrayList<>();
        walk(new CommandLine(new DeltaEvalCli()), out);
        return out;
    }

    @Test
    void descriptionParagraphsEndWhereSentencesEnd() {
        List<String> cut = new ArrayList<>();
        for (CommandSpec c : commands()) {
            for (String line : c.usageMessage().description()) {
                String t = line.strip();
                if (!t.isEmpty() && (!t.matches("(?s).*[.:!?)]$") || t.matches("(?s).*\\b(e\\.g|i\\.e)\\.$"))) {
                    cut.add(c.qualifiedName() + ": \"" + t.substring(Math.max(0, t.length() - 40)) + "\"");
                }
            }
        }
        assertEquals(List.of(), cut);
    }

    @Test
    void everyParameterAndOptionIsExplained() {
        List<String> bare = new ArrayList<>();
        for (CommandSpec c : commands()) {
            for (PositionalParamSpec p : c.positionalParameters()) {
                if (String.join("", p.description()).isBlank()) {
                    bare.add(c.qualifiedName() + " " + p.paramLabel());
                }
            }
            for (OptionSpec o : c.options()) {
                if (!o.usageHelp() && !o.versionHelp() && String.join("", o.description()).isBlank()) {
                    bare.add(c.qualifiedName() + " " + o.longestName());
                }
            }
        }
        assertEquals(List.of(), bare);
    }
}
