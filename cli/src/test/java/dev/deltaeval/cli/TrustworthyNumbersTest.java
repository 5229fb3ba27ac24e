package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.checkpoints.HostTensor;
import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.checkpoints.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model that outputs NaN, labels outside the choices, and --limit values that mean nothing: errors, not scores. */
class TrustworthyNumbersTest {
    private static final Path SAMPLE = Path.of("../data/tasks-sample");

    @TempDir
    Path dir;

    /** The demo checkpoint with every weight of layer 2's MLP down-projection set to NaN, written as F32. */
    private Path nanCheckpoint() throws IOException {
        Path ckpt = Files.createDirectories(dir.resolve("nan-model"));
        try (Stream<Path> files = Files.list(CliTest.DEMO)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("model.safetensors")) {
                    Files.copy(f, ckpt.resolve(f.getFileName()));
                }
            }
        }
        SafetensorsFile demo = SafetensorsFile.open(CliTest.DEMO.resolve("model.safetensors"));
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (String name : demo.tensors().keySet()) {
            HostTensor t = demo.readFloat(name);
            float[] v = t.toFloatArray();
            if (name.equals("model.layers.2.mlp.down_proj.weight")) {
                Arrays.fill(v, Float.NaN);
            }
            w.putFloat(name, t.shape(), v);
        }
        w.write(ckpt.resolve("model.safetensors"));
        return ckpt;
    }

    @Test
    void aModelThatOutputsNanStopsTheTaskAndJournalsNothingNonFinite() throws IOException {
        Path out = dir.resolve("out");
        CliTest.Run r = CliTest.run("eval", nanCheckpoint().toString(), "--tasks", "piqa", "--limit", "6",
                "--data-dir", SAMPLE.toString(), "--output", out.toString());
        assertEquals(2, r.exit(), r.err());
        String err = r.err().substring(r.err().indexOf("deltaeval: error:"));
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.matches("deltaeval: error: task piqa: document \\d \\(.*piqa_valid\\.jsonl line \\d\\): no "
                + "log-likelihood: non-finite values \\(NaN or infinity\\) in the model's output, first in the output of "
                + "layer 2 \\(of 6\\); nothing non-finite was journaled\\n"), err);
        try (Stream<Path> files = Files.exists(out) ? Files.walk(out) : Stream.empty()) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f);
                assertFalse(text.contains("NaN") || text.contains("Infinity"), f + " holds a non-finite value");
            }
        }
        // generation stops the same way
        CliTest.Run gen = CliTest.run("eval", nanCheckpoint2(), "--tasks", "swde", "--limit", "1", "--data-dir",
                SAMPLE.toString(), "--output", dir.resolve("gen").toString());
        assertEquals(2, gen.exit(), gen.err());
        assertTrue(gen.err().contains("task swde: document 0 (") && gen.err().contains("): no generation: non-finite"),
                gen.err());
    }

    /** The error line (the start-up line about the device comes first). */
    private static String lastLine(String err) {
        String[] lines = err.strip().split("\n");
        return lines[lines.length - 1];
    }

    private String nanCheckpoint2() {
        return dir.resolve("nan-model").toString();
    }

    /** A copy of a task's sample files with one line of one file replaced. */
    private Path dataWith(String file, int line, String newLine, String... others) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data-" + file));
        for (String f : others) {
            Files.copy(SAMPLE.resolve(f), data.resolve(f));
        }
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(SAMPLE.resolve(file)));
        lines.set(line - 1, newLine);
        Files.write(data.resolve(file), lines);
        return data;
    }

    @Test
    void goldLabelsOutsideTheChoicesAreDataErrors() throws IOException {
        Path piqa = dataWith("piqa_valid-labels.lst", 3, "5", "piqa_valid.jsonl");
        CliTest.Run r = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "piqa", "--data-dir", piqa.toString(),
                "--no-cache", "--output", dir.resolve("o1").toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("deltaeval: error: task piqa: " + piqa.resolve("piqa_valid-labels.lst") + " line 3: label 5 is "
                + "outside the 2 choices (expected an index 0..1)", lastLine(r.err()));

        String doc = Files.readAllLines(SAMPLE.resolve("hellaswag_val.jsonl")).get(1);
        for (String label : new String[] {"7", "-1"}) {
            Path hs = dataWith("hellaswag_val.jsonl", 2,
                    doc.replaceFirst("\"label\": \\d+", "\"label\": " + label));
            CliTest.Run h = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "hellaswag", "--data-dir",
                    hs.toString(), "--no-cache", "--output", dir.resolve("o2").toString());
            assertEquals(2, h.exit(), h.err());
            assertEquals("deltaeval: error: task hellaswag: " + hs.resolve("hellaswag_val.jsonl")
                    + " line 2: label " + label + " is outside the 4 choices (expected an index 0..3)", lastLine(h.err()));
            Files.walk(hs).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void limitMustBePositiveAndSaysWhenItExceedsTheData() {
        for (String bad : new String[] {"0", "-1"}) {
            CliTest.Run r = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "copa", "--limit", bad,
                    "--data-dir", SAMPLE.toString(), "--output", dir.resolve("o").toString());
            assertEquals(2, r.exit(), r.err());
            assertEquals("deltaeval: error: --limit " + bad + ": expected a positive number of documents (leave it "
                    + "out to evaluate all)\n", r.err());
        }
        CliTest.Run r = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "copa", "--limit", "200", "--no-cache",
                "--data-dir", SAMPLE.toString(), "--output", dir.resolve("o").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("warning: copa has 20 documents; --limit 200 evaluates all 20\n"), r.err());
    }

    @Test
    void aRunThatFailsWhileWritingKeepsItsWorkAndLeavesNoHalfResults() throws IOException {
        Path out = dir.resolve("full");
        dev.deltaeval.common.AtomicFiles.injectFaults(t -> {
            if (t.getFileName().toString().startsWith("results_")) {
                throw new IOException("No space left on device");
            }
        });
        CliTest.Run r;
        try {
            r = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "copa", "--limit", "4", "--data-dir",
                    SAMPLE.toString(), "--no-cache", "--log-samples", "--output", out.toString());
        } finally {
            dev.deltaeval.common.AtomicFiles.injectFaults(null);
        }
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().matches("(?s).*deltaeval: error: " + java.util.regex.Pattern.quote(out.toString())
                + "/[^/ ]+/results_[^ ]+\\.json: cannot write \\(No space left on device\\)\n"), r.err());
        try (Stream<Path> files = Files.walk(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().matches("(results|samples)_.*")),
                    "samples without results, or results without samples");
        }
        java.util.regex.Matcher kept = java.util.regex.Pattern.compile("finished requests are kept in (\\S+) ")
                .matcher(r.err());
        assertTrue(kept.find(), r.err());
        Path journal = Path.of(kept.group(1));
        try (Stream<Path> files = Files.walk(journal)) {
            Path copa = files.filter(f -> f.getFileName().toString().equals("copa.jsonl")).findFirst().orElseThrow();
            assertEquals(8, Files.readAllLines(copa).size(), "4 documents x 2 choices journaled");
        }
        CliTest.Run again = CliTest.run("eval", CliTest.DEMO.toString(), "--tasks", "copa", "--limit", "4",
                "--data-dir", SAMPLE.toString(), "--cache-dir", journal.toString(), "--output", out.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("copa: 4 documents, 0 requests scored"), "the kept results were not reused: "
                + again.err());
    }
}
