package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.jobs.ProgressLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a newcomer reads: progress lines and --help text. */
class ConsoleTextTest {
    @Test
    void progressStartsAtZeroAndAFastTaskEndsWithItsTimeNotARate() {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            ProgressLine p = new ProgressLine("copa", 40, "requests");
            p.update(13); // within half a second: nothing, a rate over microseconds means nothing
            p.update(40);
        } finally {
            System.setErr(old);
        }
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("copa 0/40 requests", lines.get(0), lines.toString());
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).matches("copa 40/40 requests in \\d+\\.\\d s"), lines.get(1));
    }

    @Test
    void helpHasPlainSynopsesAndLabelsAndNoNameSplitAcrossLines() {
        for (String[] cmd : List.of(new String[] {"eval"}, new String[] {"extrapolate"}, new String[] {"rank"},
                new String[] {"report"}, new String[] {"init"}, new String[] {"bench", "forward"},
                new String[] {"bench", "tasks"}, new String[] {"run"})) {
            String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
            args[cmd.length] = "--help";
            CliTest.Run r = CliTest.run(args);
            assertEquals(0, r.exit(), r.err());
            String help = r.out();
            assertTrue(!help.contains("...]...]") && !help.contains("[,N,"), "synopsis noise: " + help);
            assertTrue(!help.contains("=<"), "an option without a value label: " + help);
            // a dotted name or path broken at its dot, as "results.\n perplexities" or "docs.\n jsonl" were
            assertTrue(!help.matches("(?s).*[a-z]\\.\\n\\s*(jsonl|txt|py|json|perplexities)\\b.*"),
                    "a name split at its dot: " + help);
        }
        assertTrue(CliTest.run("eval", "--help").out().contains("--tasks=TASK[,TASK...]"));
        assertTrue(CliTest.run("eval", "--help").out().contains("cuda"), "--device cuda is listed");
        assertTrue(!CliTest.run("rank", "--help").out().contains("--num-sequences"), "rank analyses one sequence");
    }
}
