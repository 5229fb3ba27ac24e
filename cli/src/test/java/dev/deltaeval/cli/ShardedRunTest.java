package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.jobs.plan.GpuShards;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan run unsharded, as three shards in parallel processes and as one shard per GPU ({@code run --gpus}, the
 * shards on the CPU here) gives identical merged results; a shard killed mid-way and run again completes the run
 * without computing any unit twice.
 */
class ShardedRunTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path plan(String name) throws IOException {
        return plan(tmp, name);
    }

    /** A small plan of 6 units (3 eval tasks, 2 extrapolation lengths, rank) writing into DIR/NAME. */
    static Path plan(Path tmp, String name) throws IOException {
        Path out = tmp.resolve(name);
        String json = """
                {
                  "output": "%s",
                  "checkpoints": ["../checkpoints/demo-dp2-6m"],
                  "eval": {"tasks": ["piqa", "arc_easy", "lambada_openai"], "data_dir": "../data/tasks-sample",
                           "limit": 3, "batch_size": 4},
                  "extrapolate": {"data": "../data/extrapolation-sample/python-stdlib-docs.jsonl",
                                  "max_len": [120, 160], "num_sequences": 1, "train_context": 64},
                  "rank": {"data": "../data/extrapolation-sample/python-stdlib-docs.jsonl", "max_len": 32,
                           "positions": "every:4", "window": 16}
                }
                """.formatted(out.toString().replace("\\", "\\\\"));
        Path p = tmp.resolve(name + ".json");
        Files.writeString(p, json);
        return p;
    }

    private static Process shard(Path plan, String shard, Path log) throws IOException {
        return shard(List.of("run", "--plan", plan.toString(), "--shard", shard), log);
    }

    /** The CLI in a process of its own, on this test's class path. */
    private static Process shard(List<String> args, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Djava.awt.headless=true", "-cp",
                System.getProperty("java.class.path"), DeltaEvalCli.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    static Map<String, JsonNode> comparable(Path run) throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        out.put("eval", JSON.readTree(run.resolve("eval/demo-dp2-6m/results_merged.json").toFile()).get("results"));
        for (String t : List.of("piqa", "arc_easy", "lambada_openai")) {
            List<JsonNode> rows = new ArrayList<>();
            for (String line : Files.readAllLines(run.resolve("eval/demo-dp2-6m/samples_" + t + "_merged.jsonl"))) {
                rows.add(JSON.readTree(line));
            }
            out.put("samples " + t, JSON.valueToTree(rows));
        }
        for (int len : new int[] {120, 160}) {
            out.put("extrapolate " + len, JSON.readTree(run.resolve("extrapolation/python-stdlib-docs_" + len
                    + "_demo-dp2-6m.json").toFile()).get("results"));
        }
        JsonNode rank = JSON.readTree(run.resolve("rank/demo-dp2-6m/rank_python-stdlib-docs_32_demo-dp2-6m.json")
                .toFile());
        out.put("rank", rank.get("recurrent_state"));
        out.put("hidden", rank.get("hidden_states"));
        return out;
    }

    private static List<Path> doneMarkers(Path run) throws IOException {
        if (!Files.exists(run.resolve("units"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(run.resolve("units"))) {
            return s.filter(p -> p.getFileName().toString().equals(".done") && !p.toString().contains(".partial"))
                    .sorted().toList();
        }
    }

    @Test
    void threeParallelShardsMergeToTheUnshardedResult() throws Exception {
        CliTest.Run whole = CliTest.run("run", "--plan", plan("whole").toString());
        assertEquals(0, whole.exit(), whole.err());

        Path sharded = plan("sharded");
        List<Process> procs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            procs.add(shard(sharded, i + "/3", tmp.resolve("shard" + i + ".log")));
        }
        for (int i = 0; i < procs.size(); i++) {
            assertTrue(procs.get(i).waitFor(5, TimeUnit.MINUTES), "shard " + (i + 1) + " timed out");
            assertEquals(0, procs.get(i).exitValue(), Files.readString(tmp.resolve("shard" + (i + 1) + ".log")));
        }
        assertEquals(6, doneMarkers(tmp.resolve("sharded")).size());
        CliTest.Run merge = CliTest.run("merge", tmp.resolve("sharded").toString());
        assertEquals(0, merge.exit(), merge.out() + merge.err());
        assertTrue(merge.out().startsWith("6 of 6 units done"), merge.out());
        assertEquals(comparable(tmp.resolve("whole")), comparable(tmp.resolve("sharded")));
        assertTrue(Files.exists(tmp.resolve("sharded/report/report.html")));

        // run --gpus: one process per "GPU" (here each on the CPU), merged by the parent
        Path perGpu = plan("per-gpu");
        List<String> launched = new ArrayList<>();
        RunCommand command = new RunCommand();
        command.plan = perGpu;
        int exit = GpuShards.run(perGpu, List.of(0, 1), k -> "cpu", (part, device, log) -> {
            List<String> args = command.shardArgs(part, device); // what run --gpus starts, on this class path
            launched.add(String.join(" ", args));
            return shard(args, log);
        }, dev.deltaeval.jobs.JobContext.console());
        assertEquals(0, exit, Files.readString(tmp.resolve("per-gpu/shards/gpu1.log")));
        assertEquals(List.of("run --plan " + perGpu + " --shard 1/2 --device cpu",
                "run --plan " + perGpu + " --shard 2/2 --device cpu"), launched);
        assertEquals(6, doneMarkers(tmp.resolve("per-gpu")).size());
        assertEquals(comparable(tmp.resolve("whole")), comparable(tmp.resolve("per-gpu")));
        command.dtype = "fp16"; // --dtype goes to every shard
        assertEquals(List.of("run", "--plan", perGpu.toString(), "--shard", "2/2", "--device", "gpu:3", "--dtype",
                "fp16"), command.shardArgs(new dev.deltaeval.jobs.plan.PlanRun.Shard(2, 2), "gpu:3"));
    }

    @Test
    void aKilledShardResumesWithoutRepeatingFinishedUnits() throws Exception {
        Path plan = plan("killed");
        Path run = tmp.resolve("killed");
        Process p = shard(plan, "1/2", tmp.resolve("killed1.log"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (doneMarkers(run).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        p.destroyForcibly().waitFor();
        List<Path> before = doneMarkers(run);
        assertFalse(before.isEmpty(), "a unit finished before the kill: " + Files.readString(tmp.resolve("killed1.log")));
        Map<Path, FileTime> times = new LinkedHashMap<>();
        for (Path d : before) {
            times.put(d, Files.getLastModifiedTime(d));
        }

        CliTest.Run again = CliTest.run("run", "--plan", plan.toString(), "--shard", "1/2");
        assertEquals(0, again.exit(), again.err());
        for (Path d : before) {
            String id = run.resolve("units").relativize(d.getParent()).toString().replace(File.separatorChar, '/');
            assertTrue(again.err().contains("skip " + id + " (done)"), again.err());
            assertFalse(again.err().contains("== unit " + id + ":"), id + " ran twice");
            assertEquals(times.get(d), Files.getLastModifiedTime(d));
        }
        CliTest.Run other = CliTest.run("run", "--plan", plan.toString(), "--shard", "2/2");
        assertEquals(0, other.exit(), other.err());
        assertTrue(other.err().contains("run complete"), other.err());
        assertEquals(6, doneMarkers(run).size());
        CliTest.Run merge = CliTest.run("merge", run.toString());
        assertEquals(0, merge.exit());
    }
}
