package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run --plan` on the embedded checkpoint: one command, the whole run folder; a second run repeats nothing. */
class RunPlanTest {
    @TempDir
    Path tmp;

    private Path plan(Path out) throws IOException {
        String json = """
                {
                  "output": "%s",
                  "checkpoints": ["../checkpoints/demo-dp2-6m"],
                  "eval": {"tasks": ["piqa", "lambada_openai"], "data_dir": "../data/tasks-sample", "limit": 4,
                           "batch_size": 4},
                  "extrapolate": {"data": "../data/extrapolation-sample/python-stdlib-docs.jsonl", "max_len": [200],
                                  "num_sequences": 1, "train_context": 128},
                  "rank": {"data": "../data/extrapolation-sample/python-stdlib-docs.jsonl", "max_len": 48,
                           "positions": "every:4", "window": 16},
                  "report": {"title": "plan test"}
                }
                """.formatted(out.toString().replace("\\", "\\\\"));
        Path p = tmp.resolve("plan.json");
        Files.writeString(p, json);
        return p;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void runProducesTheWholeFolderAndARerunRepeatsNothing() throws IOException {
        Path out = tmp.resolve("run");
        CliTest.Run first = CliTest.run("run", "--plan", plan(out).toString());
        assertEquals(0, first.exit(), first.err());
        Path evalDir = out.resolve("eval/demo-dp2-6m");
        List<Path> results = files(evalDir).stream().filter(p -> p.getFileName().toString().startsWith("results_"))
                .toList();
        assertEquals(List.of(evalDir.resolve("results_merged.json")), results);
        assertTrue(Files.exists(evalDir.resolve("samples_piqa_merged.jsonl")));
        assertTrue(Files.exists(out.resolve("extrapolation/python-stdlib-docs_200_demo-dp2-6m.json")));
        assertTrue(Files.exists(out.resolve("extrapolation/plots/python-stdlib-docs_200_perplexity.svg")));
        assertTrue(Files.exists(out.resolve("rank/demo-dp2-6m/rank_python-stdlib-docs_48_demo-dp2-6m.json")));
        assertTrue(Files.exists(out.resolve("rank/demo-dp2-6m/plots/rank_python-stdlib-docs_48_demo-dp2-6m_state_heatmap.png")));
        String html = Files.readString(out.resolve("report/report.html"));
        assertTrue(html.contains("<title>plan test</title>"));
        assertTrue(html.contains("demo-dp2-6m"));
        assertTrue(Files.readString(out.resolve("report/report.md")).contains("| demo-dp2-6m |"));
        // one summary on the console, not every unit's table; each unit's output kept beside it; no lock left over
        assertEquals(1, first.out().split("\\| Model \\|", -1).length - 1, first.out());
        assertTrue(!first.out().contains("|Tasks"), "no per-unit lm-eval tables: " + first.out());
        assertTrue(first.out().contains("- extrapolation python-stdlib-docs max_len 200"), first.out());
        assertTrue(Files.readString(out.resolve("units/eval/demo-dp2-6m/piqa/console.txt")).contains("|piqa"));
        try (Stream<Path> s = Files.walk(out.resolve("units"))) {
            assertEquals(List.of(), s.filter(f -> f.toString().endsWith(".lock") || f.toString().endsWith(".partial"))
                    .toList());
        }

        List<Path> unitFiles = files(out.resolve("units"));
        List<FileTime> times = new java.util.ArrayList<>();
        for (Path f : unitFiles) {
            times.add(Files.getLastModifiedTime(f));
        }
        CliTest.Run second = CliTest.run("run", "--plan", plan(out).toString());
        assertEquals(0, second.exit(), second.err());
        for (String id : List.of("eval/demo-dp2-6m/piqa", "eval/demo-dp2-6m/lambada_openai", "rank/demo-dp2-6m",
                "extrapolate/demo-dp2-6m/200")) {
            assertTrue(second.err().contains("skip " + id + " (done)"), second.err());
        }
        assertTrue(!second.err().contains("== unit"), "nothing ran again: " + second.err());
        assertEquals(unitFiles, files(out.resolve("units")));
        for (int i = 0; i < unitFiles.size(); i++) {
            assertEquals(times.get(i), Files.getLastModifiedTime(unitFiles.get(i)), unitFiles.get(i).toString());
        }
        // a finished run given other settings says so rather than ignoring them silently
        CliTest.Run otherSettings = CliTest.run("run", "--plan", plan(out).toString(), "--dtype", "fp32", "--device",
                "cpu");
        assertEquals(0, otherSettings.exit(), otherSettings.err());
        // named as the plan names them: the run's --device and --dtype override the plan's device and dtype
        assertTrue(otherSettings.err().contains("skip eval/demo-dp2-6m/piqa (done, with other settings: device "),
                otherSettings.err());
        assertTrue(otherSettings.err().contains("(now cpu)") && otherSettings.err().contains("dtype "),
                otherSettings.err());

        // the gate on the run's own results: identical passes; different data is exit code 2
        CliTest.Run same = CliTest.run("compare", "--baseline", results.get(0).toString(), "--candidate",
                results.get(0).toString());
        assertEquals(0, same.exit(), same.out() + same.err());
        assertTrue(same.out().contains("No regression."));
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = (ObjectNode) m.readTree(results.get(0).toFile());
        ((ObjectNode) root.path("deltaeval").path("data_sha256")).put("piqa", "0000000000000000deadbeef");
        Path other = tmp.resolve("other/results_x.json");
        Files.createDirectories(other.getParent());
        Files.writeString(other, m.writeValueAsString(root));
        CliTest.Run mismatch = CliTest.run("compare", "--baseline", results.get(0).toString(), "--candidate",
                other.toString());
        assertEquals(2, mismatch.exit());
        assertTrue(mismatch.err().contains("task piqa: different data"), mismatch.err());
        // a folder stands for its newest results file; a glob that matched two files is one line, not picocli's
        // "Unmatched argument"
        CliTest.Run folder = CliTest.run("compare", "--baseline", results.get(0).getParent().toString(),
                "--candidate", other.getParent().toString());
        assertEquals(2, folder.exit(), folder.err());
        assertTrue(folder.err().contains("task piqa: different data"), folder.err());
        CliTest.Run two = CliTest.run("compare", "--baseline", results.get(0).toString(), other.toString(),
                "--candidate", other.toString());
        assertEquals(2, two.exit());
        assertEquals("deltaeval: error: --baseline names 2 files (" + results.get(0) + ", " + other + "): name one "
                + "results file, or the run folder to take its newest", two.err().strip());
    }

    @Test
    void extrapolateReusesAResultOnlyWithTheSameSettings() throws IOException {
        Path out = tmp.resolve("ex");
        String[] base = {"extrapolate", "../checkpoints/demo-dp2-6m", "--max-len", "64", "--train-context", "32",
            "--data", "../data/extrapolation-sample/python-stdlib-docs.jsonl",
            "--out", out.toString()};
        CliTest.Run one = CliTest.run(concat(base, "--num-sequences", "1"));
        assertEquals(0, one.exit(), one.err());
        CliTest.Run again = CliTest.run(concat(base, "--num-sequences", "1"));
        assertTrue(again.err().contains(": reusing "), again.err());
        CliTest.Run two = CliTest.run(concat(base, "--num-sequences", "2"));
        assertEquals(0, two.exit(), two.err());
        assertTrue(two.err().contains("has other settings, computing again"), two.err());
        assertTrue(two.out().contains(" 2 sequences "), two.out());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badPlansAndInputsGiveOneClearLine() throws IOException {
        Path p = tmp.resolve("bad.json");
        Files.writeString(p, "{\"output\": \"x\", \"checkpoints\": [\"../checkpoints/demo-dp2-6m\"], \"evall\": {}}");
        CliTest.Run r = CliTest.run("run", "--plan", p.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("deltaeval: error: " + p + ": invalid plan: Unrecognized field \"evall\""),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        CliTest.Run ex = CliTest.run("extrapolate", "../checkpoints/demo-dp2-6m", "--data", tmp.resolve("none.jsonl")
                .toString(), "--out", tmp.resolve("ex").toString());
        assertEquals(2, ex.exit());
        assertEquals("deltaeval: error: " + tmp.resolve("none.jsonl") + ": no such file or folder", ex.err().strip());

        CliTest.Run rk = CliTest.run("rank", "../checkpoints/demo-dp2-6m", "--positions", "every:x", "--out",
                tmp.resolve("rk").toString());
        assertEquals(2, rk.exit());
        assertTrue(rk.err().strip().startsWith("deltaeval: error: --positions 'every:x': expected"), rk.err());

        for (String[] args : new String[][] {{"rank", "../checkpoints/demo-dp2-6m", "--window", "0"},
            {"rank", "../checkpoints/demo-dp2-6m", "--segment", "0"},
            {"extrapolate", "../checkpoints/demo-dp2-6m", "--bucket", "0"}}) {
            CliTest.Run r0 = CliTest.run(args); // a zero window or segment would otherwise never advance
            assertEquals(2, r0.exit(), String.join(" ", args));
            assertTrue(r0.err().strip().matches("deltaeval: error: --\\w+ and --segment must be at least 1 token"),
                    r0.err());
        }

        CliTest.Run rep = CliTest.run("report", tmp.resolve("nothing").toString());
        assertEquals(2, rep.exit());
        assertEquals("deltaeval: error: " + tmp.resolve("nothing") + ": no such file or folder", rep.err().strip());
    }

    @Test
    void mergeListsAFailedUnitWithItsErrorText() throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("failed-unit");
        java.nio.file.Path empty = java.nio.file.Files.createDirectories(dir.resolve("no-data"));
        java.nio.file.Path plan = java.nio.file.Files.writeString(dir.resolve("plan.json"), ("{\"output\": \"%s\", "
                + "\"checkpoints\": [\"../checkpoints/demo-dp2-6m\"], \"eval\": {\"tasks\": [\"copa\"], "
                + "\"data_dir\": \"%s\", \"limit\": 2}}").formatted(dir.resolve("run"), empty));
        CliTest.Run run = CliTest.run("run", "--plan", plan.toString());
        assertEquals(1, run.exit(), run.err());
        CliTest.Run merge = CliTest.run("merge", dir.resolve("run").toString());
        assertEquals(1, merge.exit());
        assertTrue(merge.out().contains("failed  eval/demo-dp2-6m/copa: exit 2: deltaeval: error: task copa: data file "
                + empty.resolve("copa_superglue_val.jsonl") + " not found"), merge.out());
    }
}
