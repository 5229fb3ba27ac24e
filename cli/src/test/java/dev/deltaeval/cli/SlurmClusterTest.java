package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real job array on a one-node SLURM cluster that scripts/slurm-local.sh starts on this machine: the merged
 * results equal an unsharded run's bit for bit, and a shard cancelled mid-run and resubmitted resumes from its
 * finished units. Under CI the cluster must start (the script installs Debian's packages); elsewhere the test is
 * skipped when it cannot. The cluster is stopped at the end, also when the test fails.
 */
class SlurmClusterTest {
    private static final long WAIT_SECONDS = 240;

    @TempDir
    Path tmp;

    private static String sh(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** Waits until none of the jobs is queued or running. */
    private static void awaitJobs(String jobs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!sh(List.of("squeue", "-h", "-j", jobs), 30).isBlank()) {
            assertTrue(System.nanoTime() < deadline, "jobs " + jobs + " still queued after " + WAIT_SECONDS + " s");
            Thread.sleep(500);
        }
    }

    /** A launcher that runs this build's CLI (the jar is packaged only after the tests). */
    private Path launcher() throws IOException {
        Path l = tmp.resolve("deltaeval-test");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(l, "#!/bin/bash\nexec '" + java + "' -Djava.awt.headless=true -cp '"
                + System.getProperty("java.class.path") + "' " + DeltaEvalCli.class.getName() + " \"$@\"\n");
        l.toFile().setExecutable(true);
        return l;
    }

    private String[] submit(Path plan, String... extra) {
        // as many CPUs per task as the unsharded run in this JVM has: libtorch's CPU kernels split reductions by
        // thread count, so one-thread shards differ from a two-thread run in the last float digits on some CPUs
        int cpus = Runtime.getRuntime().availableProcessors();
        List<String> args = new java.util.ArrayList<>(List.of("plan", "slurm", plan.toString(), "--shards", "3",
                "--cpus-per-task", Integer.toString(cpus), "--mem", "1G", "--submit", "--launcher",
                launcher.toString()));
        args.addAll(List.of(extra));
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());
        Matcher m = Pattern.compile("submitted array job (\\d+) \\(3 shards\\) and merge job (\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        return new String[] {m.group(1), m.group(2)};
    }

    private Path launcher;

    @Test
    void aJobArrayMergesToTheUnshardedResultAndAResubmittedShardResumes() throws Exception {
        String started;
        try {
            started = sh(List.of("bash", "../scripts/slurm-local.sh", "start"), 300);
        } catch (IOException e) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")), "no local SLURM cluster here: " + e.getMessage());
            throw e;
        }
        assertTrue(started.contains("slurm-local:"), started);
        try {
            launcher = launcher();
            CliTest.Run whole = CliTest.run("run", "--plan", ShardedRunTest.plan(tmp, "whole").toString());
            assertEquals(0, whole.exit(), whole.err());

            Path sharded = ShardedRunTest.plan(tmp, "sharded");
            String[] jobs = submit(sharded);
            awaitJobs(jobs[0] + "," + jobs[1]);
            String mergeLog = Files.readString(tmp.resolve("sharded/slurm/merge.out"));
            assertTrue(mergeLog.contains("6 of 6 units done"), mergeLog);
            assertEquals(ShardedRunTest.comparable(tmp.resolve("whole")), ShardedRunTest.comparable(tmp.resolve("sharded")));

            // one shard at a time; cancel shard 0 while it runs, then resubmit it alone: it resumes and the merge
            // is still identical
            Path again = ShardedRunTest.plan(tmp, "again");
            String[] second = submit(again, "--max-parallel", "1");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!sh(List.of("squeue", "-h", "-j", second[0] + "_0", "-o", "%T"), 30).contains("RUNNING")) {
                assertTrue(System.nanoTime() < deadline, "shard 0 never ran");
                Thread.sleep(200);
            }
            Thread.sleep(3000);
            sh(List.of("scancel", second[0] + "_0"), 30);
            awaitJobs(second[0] + "," + second[1]);
            Path script = tmp.resolve("again/slurm/array.sbatch");
            String resubmitted = sh(List.of("sbatch", "--parsable", "--array=0", script.toString()), 30).trim();
            awaitJobs(resubmitted.split(";")[0]);
            CliTest.Run merge = CliTest.run("merge", tmp.resolve("again").toString());
            assertEquals(0, merge.exit(), merge.out() + merge.err());
            assertTrue(merge.out().startsWith("6 of 6 units done"), merge.out());
            assertEquals(ShardedRunTest.comparable(tmp.resolve("whole")), ShardedRunTest.comparable(tmp.resolve("again")));
        } finally {
            sh(List.of("bash", "../scripts/slurm-local.sh", "stop"), 60);
        }
    }
}
