package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plan expand and plan slurm: stable unit ids, balanced shards, a script SLURM and bash accept. */
class PlanCommandTest {
    @TempDir
    Path tmp;

    Path plan() throws Exception {
        Path p = tmp.resolve("plan.json");
        Files.writeString(p, """
                {"output": "runs/study", "device": "gpu", "checkpoints": ["../checkpoints/demo-dp2-6m"],
                 "eval": {"tasks": ["piqa", "lambada"], "data_dir": "../data/tasks-sample"},
                 "extrapolate": {"max_len": [4096, 16384], "num_sequences": 8},
                 "rank": {"max_len": 1024}}
                """);
        return p;
    }

    @Test
    void expandListsStableIdsAndBalancesShards() throws Exception {
        CliTest.Run r = CliTest.run("plan", "expand", plan().toString(), "--shards", "2");
        assertEquals(0, r.exit(), r.err());
        List<String> ids = r.out().lines().map(l -> l.split("\\s+")[0]).toList();
        assertEquals(List.of("eval/demo-dp2-6m/lambada_openai", "eval/demo-dp2-6m/lambada_standard",
                "eval/demo-dp2-6m/piqa", "extrapolate/demo-dp2-6m/16384", "extrapolate/demo-dp2-6m/4096",
                "rank/demo-dp2-6m"), ids, "groups expand to their tasks; ids sorted and stable");
        // the biggest unit (8 x 16384 tokens) gets a shard of its own share
        String big = r.out().lines().filter(l -> l.startsWith("extrapolate/demo-dp2-6m/16384")).findFirst().get();
        String small = r.out().lines().filter(l -> l.startsWith("extrapolate/demo-dp2-6m/4096")).findFirst().get();
        assertTrue(!big.contains(" shard " + small.split(" shard ")[1].charAt(0) + " "), r.out());
        assertEquals(r.out(), CliTest.run("plan", "expand", plan().toString(), "--shards", "2").out(), "deterministic");
    }

    @Test
    void slurmScriptHasTheArrayCommandAndEnvironmentAndParses() throws Exception {
        Path script = tmp.resolve("job.sbatch");
        // 8 work units for 2 nodes x 4 GPUs
        Path eight = Files.writeString(tmp.resolve("eight.json"), Files.readString(plan())
                .replace("[\"piqa\", \"lambada\"]", "[\"piqa\", \"lambada\", \"arc_easy\", \"hellaswag\"]"));
        CliTest.Run r = CliTest.run("plan", "slurm", eight.toString(), "--nodes", "2", "--gpus-per-node", "4",
                "--partition", "gpu", "--time", "12:00:00", "--out", script.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(!r.err().contains("warning"), r.err());
        String s = Files.readString(script);
        assertTrue(s.startsWith("#!/bin/bash\n"));
        assertTrue(s.contains("#SBATCH --array=0-7\n"), s);
        assertTrue(s.contains("#SBATCH --gres=gpu:1\n") && s.contains("#SBATCH --partition=gpu\n")
                && s.contains("#SBATCH --time=12:00:00\n"), s);
        assertTrue(s.contains("export DJL_OFFLINE="), s);
        assertTrue(s.contains("SHARD=$((SLURM_ARRAY_TASK_ID + 1))\n"), s);
        assertTrue(s.contains("exec ./deltaeval run --plan '" + eight.toAbsolutePath() + "' --shard \"$SHARD/8\" "
                + "--device gpu\n"), s);
        // more shards than units: the array shrinks to the units, with a word; device auto: a word too
        Path auto = Files.writeString(tmp.resolve("auto.json"), Files.readString(plan()).replace("\"gpu\"", "\"auto\""));
        CliTest.Run more = CliTest.run("plan", "slurm", auto.toString(), "--shards", "16");
        assertEquals(0, more.exit(), more.err());
        assertTrue(more.out().contains("#SBATCH --array=0-5\n"), more.out());
        assertTrue(more.err().contains("warning: 16 shards for 6 work units: 10 would have nothing to do, so the array "
                + "has 6") && more.err().contains("has device auto: the shards ask SLURM for no GPU"), more.err());
        Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), new String(bash.getInputStream().readAllBytes()));
        // a CPU plan asks for no GPU and runs on the CPU, with CPU-sized defaults; --max-parallel caps the array
        Path cpuPlan = Files.writeString(tmp.resolve("cpu.json"), Files.readString(plan()).replace("\"gpu\"", "\"cpu\""));
        CliTest.Run c = CliTest.run("plan", "slurm", cpuPlan.toString(), "--shards", "3", "--max-parallel", "2");
        assertEquals(0, c.exit(), c.err());
        assertTrue(!c.out().contains("--gres") && c.out().contains("#SBATCH --array=0-2%2\n")
                && c.out().contains("#SBATCH --cpus-per-task=4\n") && c.out().contains("#SBATCH --mem=8G\n")
                && c.out().contains("--shard \"$SHARD/3\" --device cpu\n"), c.out());
        CliTest.Run bad = CliTest.run("run", "--plan", plan().toString(), "--shard", "3/2");
        assertEquals(2, bad.exit());
        assertEquals("deltaeval: error: --shard '3/2': expected I/N with 1 <= I <= N, e.g. 2/4", bad.err().strip());
    }
}
