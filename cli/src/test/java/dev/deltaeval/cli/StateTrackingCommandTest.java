package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** state-tracking data writes the repository's CSV; check accepts it and refuses it for another group. */
class StateTrackingCommandTest {
    @TempDir
    Path tmp;

    @Test
    void dataThenCheck() throws IOException {
        Path csv = tmp.resolve("S3=8.csv");
        CliTest.Run data = CliTest.run("state-tracking", "data", "--group", "S3", "--k", "8", "--samples", "3",
                "--seed", "666", "--out", csv.toString());
        assertEquals(0, data.exit(), data.err());
        // the Python generator's rows for this seed (shared/specs/state-tracking.md §1)
        assertEquals("seed,input,target\n666,2 5 2 3 4 3 4 0,2 4 1 5 1 5 1 1\n666,4 2 3 5 5 0 5 0,4 1 5 0 5 5 0 0\n"
                + "666,4 1 5 3 2 4 3 0,4 5 0 3 5 1 5 5\n", Files.readString(csv));
        CliTest.Run ok = CliTest.run("state-tracking", "check", csv.toString(), "--group", "S3", "--seed", "666");
        assertEquals(0, ok.exit(), ok.err());
        CliTest.Run wrong = CliTest.run("state-tracking", "check", csv.toString(), "--group", "Z6");
        assertEquals(2, wrong.exit());
        assertTrue(wrong.err().startsWith("deltaeval: error: " + csv + ": row 2, position 1: target 4"), wrong.err());
    }
}
