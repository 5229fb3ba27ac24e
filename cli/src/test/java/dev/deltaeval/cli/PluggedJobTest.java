package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.cli.toy.ParameterCountJob;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that exists only in this module's tests (toy/ParameterCountJob, registered in the test
 * META-INF/services) runs from a plan beside the built-in jobs: its section is read as its spec, its unit runs in
 * process, its result kind merges and writes its report section. No other file knows it.
 */
class PluggedJobTest {
    @TempDir
    Path tmp;

    @Test
    void aPlanRunsAJobTheHarnessDoesNotKnow() throws IOException {
        Path out = tmp.resolve("run");
        Path plan = Files.writeString(tmp.resolve("plan.json"), ("{\"output\": \"%s\", \"device\": \"cpu\", "
                + "\"checkpoints\": [\"%s\"], \"parameter_count\": {\"label\": \"weights\"}, "
                + "\"report\": {\"title\": \"plugged\"}}").formatted(out, CliTest.DEMO));
        CliTest.Run r = CliTest.run("run", "--plan", plan.toString());
        assertEquals(0, r.exit(), r.err());
        long want = CheckpointRef.open(CliTest.DEMO).parameterCount();
        assertTrue(Files.readString(out.resolve("report/report.md")).contains("## Parameter counts\n\n- demo-dp2-6m: "
                + want + " weights\n"), Files.readString(out.resolve("report/report.md")));
        assertTrue(Files.readString(out.resolve("report/report.html")).contains("<li>demo-dp2-6m: " + want
                + " weights</li>"));
        String done = Files.readString(out.resolve("units/parameter_count/demo-dp2-6m/.done"));
        assertTrue(done.contains(SpecJson.hash(new ParameterCountJob.Spec(CliTest.DEMO.toString(), "weights",
                out.toString()))), done);
        // a typo in the job's section is one line naming the field
        Files.writeString(plan, Files.readString(plan).replace("\"label\"", "\"lable\""));
        CliTest.Run bad = CliTest.run("run", "--plan", plan.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().startsWith("deltaeval: error: " + plan + ": invalid plan: section \"parameter_count\": "
                + "Unrecognized field \"lable\""), bad.err());
    }
}
