package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.checkpoints.SafetensorsWriter;
import dev.deltaeval.cli.toy.ToyTrigramModel;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second model family (test scope: {@code toy/}, registered only in this module's test
 * META-INF/services) runs through the same commands as DeltaNet, with no other module knowing it: scoring carries
 * its state across segments, eval forks it per choice.
 */
class SecondFamilyTest {
    static final float SCALE = 2.5f;

    @TempDir
    Path tmp;

    Path ckpt;

    @BeforeEach
    void toyCheckpoint() throws IOException {
        ckpt = tmp.resolve("toy");
        Files.createDirectories(ckpt);
        Files.writeString(ckpt.resolve("config.json"), "{\"model_type\": \"toy_trigram\", \"vocab_size\": 32000, "
                + "\"bos_token_id\": 1, \"eos_token_id\": 2}");
        new SafetensorsWriter().putFloat("scale", new long[] {1}, new float[] {SCALE}).write(ckpt.resolve(
                "model.safetensors"));
        Files.copy(CliTest.DEMO.resolve("tokenizer.json"), ckpt.resolve("tokenizer.json"));
    }

    @Test
    void scoreCarriesTheToyStateAcrossSegments() throws IOException {
        String text = "The quick brown fox jumps over the lazy dog, twice.";
        Path json = tmp.resolve("score.json");
        CliTest.Run r = CliTest.run("score", ckpt.toString(), "--text", text, "--segment", "3", "--device", "cpu",
                "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        long[] ids;
        try (TextTokenizer tok = TextTokenizer.load(ckpt.resolve("tokenizer.json"))) {
            ids = tok.encode(text, true);
        }
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).path("per_token");
        assertEquals(ids.length - 1, rows.size());
        for (int p = 0; p + 1 < ids.length; p++) {
            double want = logProb(p == 0 ? -1 : ids[p - 1], ids[p], ids[p + 1]);
            assertEquals(want, rows.get(p).path("logprob").asDouble(), 1e-4, "token " + (p + 1));
        }
    }

    @Test
    void evalAndInspectRunTheToyFamily() throws IOException {
        CliTest.Run info = CliTest.run("inspect", ckpt.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("toy trigram, vocab 32000"), info.out());
        Path out = tmp.resolve("out");
        CliTest.Run r = CliTest.run("eval", ckpt.toString(), "--tasks", "piqa", "--data-dir", "../data/tasks-sample",
                "--limit", "4", "--batch-size", "3", "--output", out.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        try (Stream<Path> files = Files.walk(out)) {
            Path results = files.filter(f -> f.getFileName().toString().startsWith("results_")).findFirst()
                    .orElseThrow();
            JsonNode acc = new ObjectMapper().readTree(results.toFile()).path("results").path("piqa").path("acc,none");
            assertTrue(acc.isNumber() && acc.asDouble() >= 0 && acc.asDouble() <= 1, "piqa acc " + acc);
        }
    }

    /** The toy model's definition, computed here in double precision. */
    private static double logProb(long prev, long cur, long next) {
        double max = Double.NEGATIVE_INFINITY;
        double[] l = new double[32000];
        for (int k = 0; k < l.length; k++) {
            l[k] = ToyTrigramModel.logit(SCALE, prev, cur, k);
            max = Math.max(max, l[k]);
        }
        double sum = 0;
        for (double x : l) {
            sum += Math.exp(x - max);
        }
        return l[(int) next] - max - Math.log(sum);
    }
}
