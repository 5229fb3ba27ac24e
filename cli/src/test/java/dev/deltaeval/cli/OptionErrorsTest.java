package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A mistyped command line is one line naming what is wrong and where to read more, and exit code 2. */
class OptionErrorsTest {
    private static void assertOneLine(String expected, String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(2, r.exit(), r.err());
        assertEquals(expected + "\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void badValuesUnknownOptionsAndTyposOfCommands() {
        assertOneLine("deltaeval: error: Invalid value for option '--limit': 'abc' is not an int (see 'deltaeval eval "
                + "--help')", "eval", "--limit", "abc");
        assertOneLine("deltaeval: error: Unknown option: '--limt'; did you mean --limit? (see 'deltaeval eval --help')",
                "eval", "--limt", "3");
        assertOneLine("deltaeval: error: Unmatched argument at index 0: 'evl'; did you mean eval? (see 'deltaeval "
                + "--help')", "evl");
        assertOneLine("deltaeval: error: Missing required options: '--group=G', '--samples=N', '--seed=S' (see "
                + "'deltaeval state-tracking data --help')", "state-tracking", "data", "--k", "3");
    }

    @Test
    void aGroupWithoutItsSubcommandIsAnError() {
        CliTest.Run none = CliTest.run();
        assertEquals(2, none.exit());
        assertEquals("", none.out());
        assertEquals("deltaeval: error: 'deltaeval checkpoints' needs a subcommand (list, show, verify, import-torch)",
                CliTest.run("checkpoints").err().lines().reduce((a, b) -> b).orElse(""));
    }
}
