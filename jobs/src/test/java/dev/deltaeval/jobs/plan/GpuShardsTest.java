package dev.deltaeval.jobs.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.JobContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which GPUs {@code run --gpus} takes, and how it reports a shard that stops (processes standing in for the CLI;
 * the real shards and their merge are in the CLI's ShardedRunTest).
 */
class GpuShardsTest {
    @TempDir
    Path tmp;

    @Test
    void gpusAreAllTheVisibleOnesTheFirstNOrTheIndicesNamed() {
        assertEquals(List.of(0, 1, 2), GpuShards.select("all", () -> 3));
        assertEquals(List.of(0, 1), GpuShards.select("2", () -> 3));
        assertEquals(List.of(2, 0), GpuShards.select("2,0", () -> 3));
        assertEquals("gpus 3: this host shows 2 GPUs (indices 0 to 1)",
                assertThrows(DeltaEvalException.class, () -> GpuShards.select("3", () -> 2)).getMessage());
        assertEquals("gpus 0,4: this host shows 2 GPUs (indices 0 to 1)",
                assertThrows(DeltaEvalException.class, () -> GpuShards.select("0,4", () -> 2)).getMessage());
        assertEquals("gpus 1,1: GPU 1 named twice",
                assertThrows(DeltaEvalException.class, () -> GpuShards.select("1,1", () -> 2)).getMessage());
        assertEquals("gpus all: no GPU is visible on this host (nvidia-smi and CUDA_VISIBLE_DEVICES)",
                assertThrows(DeltaEvalException.class, () -> GpuShards.select("all", () -> 0)).getMessage());
        assertEquals("gpus gpu:1: expected all, a number of GPUs, or GPU indices like 0,2,3",
                assertThrows(DeltaEvalException.class, () -> GpuShards.select("gpu:1", () -> 2)).getMessage());
    }

    /** CUDA's rule: the list ends at the first entry that is not a device ("-1" hides every GPU). */
    @Test
    void cudaVisibleDevicesIsCountedAsCudaReadsIt() {
        assertEquals(2, GpuShards.countVisible("0,1"));
        assertEquals(0, GpuShards.countVisible(""));
        assertEquals(0, GpuShards.countVisible("-1"));
        assertEquals(1, GpuShards.countVisible("3,-1,2"));
        assertEquals(2, GpuShards.countVisible("GPU-8e6c1f2a,MIG-4b1c"));
        assertEquals(0, GpuShards.countVisible("NoDevFiles"));
    }

    private Path plan() throws IOException {
        Path out = tmp.resolve("run");
        return Files.writeString(tmp.resolve("plan.json"), """
                {"output": "%s", "checkpoints": ["../checkpoints/demo-dp2-6m"],
                 "eval": {"tasks": ["piqa"], "data_dir": "../data/tasks-sample", "limit": 2}}
                """.formatted(out.toString().replace("\\", "\\\\")));
    }

    @Test
    void aShardThatStopsIsNamedWithItsGpuAndErrorAndTheRunSaysHowToResume() throws IOException {
        Path plan = plan();
        List<String> launched = new ArrayList<>();
        // shard 1 exits cleanly having done nothing; shard 2 fails as a CUDA error would
        String script = "case \"$5\" in 1/2) echo 'nothing to do';; *) echo 'loading'; "
                + "echo \"deltaeval: error: CUDA out of memory on $7\" >&2; exit 2;; esac";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = GpuShards.run(plan, List.of(1, 3), k -> "gpu:" + k, (part, device, log) -> {
                List<String> args = List.of("run", "--plan", plan.toString(), "--shard", part.toString(), "--device",
                        device);
                launched.add(String.join(" ", args));
                List<String> cmd = new ArrayList<>(List.of("sh", "-c", script, "sh"));
                cmd.addAll(args);
                return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            }, JobContext.console());
        } finally {
            System.setErr(old);
        }
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(PlanRun.EXIT_FAILED_UNITS, exit, said);
        assertEquals(List.of("run --plan " + plan + " --shard 1/2 --device gpu:1",
                "run --plan " + plan + " --shard 2/2 --device gpu:3"), launched);
        Path log = tmp.resolve("run/shards/gpu3.log");
        assertTrue(said.contains("shard 2/2 on gpu:3: log " + log), said);
        assertTrue(said.contains("deltaeval: error: shard 2/2 on gpu:3 stopped (exit 2): CUDA out of memory on gpu:3"
                + " (log " + log + ")"), said);
        assertTrue(said.contains("run the same command again to resume"), said);
        assertTrue(!said.contains("shard 1/2 on gpu:1 stopped"), said);
    }

    @Test
    void aShardThatCannotStartStopsTheOnesAlreadyRunning() throws IOException, InterruptedException {
        Path plan = plan();
        List<Process> first = new ArrayList<>();
        DeltaEvalException e = assertThrows(DeltaEvalException.class, () -> GpuShards.run(plan, List.of(0, 1),
                k -> "gpu:" + k, (part, device, log) -> {
                    if (part.index() == 2) {
                        throw new IOException("no such program");
                    }
                    Process p = new ProcessBuilder("sleep", "60").start();
                    first.add(p);
                    return p;
                }, JobContext.console()));
        assertEquals("cannot start shard 2/2 on gpu:1 (no such program); the shards started were stopped",
                e.getMessage());
        assertTrue(first.get(0).waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "shard 1 was stopped");
    }
}
