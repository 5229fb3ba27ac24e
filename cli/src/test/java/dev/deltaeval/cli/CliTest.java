package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.checkpoints.SafetensorsFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The commands end to end, in process. Fixtures come from eval-core's test resources in this repository. */
class CliTest {
    static final Path FIXTURES = Path.of("../deltanet/src/test/resources/fla-golden");
    static final Path DEMO = Path.of("../checkpoints/demo-dp2-6m");

    @TempDir
    Path tmp;

    /** Runs a command, capturing stdout and stderr. */
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = DeltaEvalCli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v022_dn_negeig", "v022_dp2_negeig", "v022_dp3_gated_outgate", "v022_dp2_noconv_untied",
        "up_gdp2_gated_outgate", "up_deltanet_negeig", "up_gated_deltanet"})
    void forwardWritesLogitsAndHiddenThatMatchFla(String fixture) {
        Path dir = FIXTURES.resolve(fixture);
        Path out = tmp.resolve(fixture + ".safetensors");
        // expected.safetensors holds input_ids [2, 96] next to fla's outputs
        Run r = run("forward", dir.toString(), "--input-ids", dir.resolve("expected.safetensors").toString(),
                "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        SafetensorsFile got = SafetensorsFile.open(out);
        SafetensorsFile want = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        assertEquals("[2, 96, 512]", got.info("logits").shapeString());
        assertEquals("[3, 2, 96, 64]", got.info("hidden").shapeString());
        assertTrue(maxAbsDiff(got.readFloat("logits").toFloatArray(), want.readFloat("logits_fp32").toFloatArray()) <= 1e-3);
        assertTrue(maxAbsDiff(got.readFloat("hidden").toFloatArray(), want.readFloat("hidden_fp32").toFloatArray()) <= 1e-3);
    }

    @Test
    void demoCheckpointContinuesLikeFla() {
        // fla's own greedy continuation of "<s>The Python interpreter" (bf16, demo README)
        Run r = run("generate", DEMO.toString(), "--prompt", "The Python interpreter", "--max-new-tokens", "20");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("The Python interpreter\n\nNew and version 3.11.\n\nThe Python"), r.out());
    }

    @Test
    void scoreReportsPerplexityAndJson() throws IOException {
        Path json = tmp.resolve("score.json");
        Run r = run("score", DEMO.toString(), "--text", "The Python Standard Library contains built-in modules.",
                "--json", json.toString(), "--segment", "5");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        int n = j.get("scored_tokens").asInt();
        double sum = 0;
        for (JsonNode t : j.get("per_token")) {
            sum -= t.get("logprob").asDouble();
        }
        assertEquals(j.get("tokens").asInt() - 1, n);
        assertEquals(sum, j.get("total_nll").asDouble(), 1e-3);
        assertEquals(Math.exp(sum / n), j.get("perplexity").asDouble(), 1e-3 * j.get("perplexity").asDouble());
        assertTrue(j.get("perplexity").asDouble() < 1000, "a trained model on in-domain text: " + j.get("perplexity"));
    }

    @Test
    void initInspectAndBenchOnARandomCheckpoint() throws IOException {
        Path cfg = Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"gated_deltaproduct\", "
                + "\"hidden_size\": 32, \"num_hidden_layers\": 2, \"num_heads\": 2, \"head_dim\": 16, \"expand_v\": 1, "
                + "\"use_gate\": false, \"num_householder\": 2, \"vocab_size\": 100, \"tie_word_embeddings\": true}");
        Path ckpt = tmp.resolve("ckpt");
        assertEquals(0, run("init", "--config", cfg.toString(), "--out", ckpt.toString(), "--stored-dtype", "bf16").exit());
        Run inspect = run("inspect", ckpt.toString());
        assertEquals(0, inspect.exit(), inspect.err());
        assertTrue(inspect.out().contains("fla-0.2.2"), inspect.out());
        assertTrue(inspect.out().contains("stored_dtypes     BF16 ("), inspect.out());
        assertTrue(!inspect.out().contains("{") && !inspect.out().contains("[]"), "no Java map or list text: "
                + inspect.out());
        Path bench = tmp.resolve("bench.json");
        Run b = run("bench", "forward", "--checkpoint", ckpt.toString(), "--length", "100", "--iterations", "1",
                "--warmup", "0", "--breakdown", "--out", bench.toString());
        assertEquals(0, b.exit(), b.err());
        JsonNode j = new ObjectMapper().readTree(bench.toFile());
        assertTrue(j.get("result").get("ndarraysPerForward").asLong() > 0);
        assertTrue(j.get("result").get("tokensPerSecond").asDouble() > 0);
        assertEquals("cpu", j.get("device").asText(), "the device as the command line names it");
        // --breakdown: every stage of the forward pass, the per-layer ones once per layer, summing to the total
        JsonNode bd = j.get("breakdown");
        assertEquals(2, bd.get("marks").get("mixer: in-projection").asInt(), bd.toString());
        assertEquals(2, bd.get("marks").get("recurrence: djl-chunked").asInt(), bd.toString());
        assertEquals(1, bd.get("marks").get("head, log-softmax, transfer to host").asInt(), bd.toString());
        double sum = 0;
        for (JsonNode s : bd.get("stages")) {
            sum += s.asDouble();
        }
        assertTrue(sum > 0 && sum <= bd.get("seconds").asDouble() * 1.001, "stages " + sum + " s of " + bd);
        assertTrue(b.out().contains("block: residuals, norm, MLP"), b.out());
    }

    @Test
    void badInputGivesOneLineAndExitCode2() throws IOException {
        Run missing = run("inspect", tmp.resolve("nothing").toString());
        assertEquals(2, missing.exit());
        assertEquals("deltaeval: error: " + tmp.resolve("nothing") + ": checkpoint directory not found\n", missing.err());
        Path noTok = tmp.resolve("notok");
        Files.createDirectories(noTok);
        Files.copy(FIXTURES.resolve("v022_dn_negeig/config.json"), noTok.resolve("config.json"));
        Files.copy(FIXTURES.resolve("v022_dn_negeig/model.safetensors"), noTok.resolve("model.safetensors"));
        Run tok = run("score", noTok.toString(), "--text", "hi");
        assertEquals(2, tok.exit());
        assertEquals("deltaeval: error: " + noTok.resolve("tokenizer.json") + ": tokenizer file not found (score needs "
                + "the checkpoint's tokenizer.json)\n", tok.err());
        Run cpuHalf = run("score", DEMO.toString(), "--text", "hi", "--dtype", "fp16");
        assertEquals(2, cpuHalf.exit());
        assertTrue(cpuHalf.err().startsWith("deltaeval: error: --dtype fp16 needs a GPU"), cpuHalf.err());
        Run bf16 = run("score", DEMO.toString(), "--text", "hi", "--dtype", "bf16");
        assertTrue(bf16.err().contains("--dtype bf16 is not supported: DJL's PyTorch binding aborts the JVM"), bf16.err());
        Run gpu = run("score", DEMO.toString(), "--text", "hi", "--device", "gpu");
        assertEquals(2, gpu.exit());
        assertTrue(gpu.err().startsWith("deltaeval: error: --device gpu: no usable GPU"), gpu.err());
    }

    @Test
    void autoDeviceRunsOnTheCpuWithoutAGpuAndSaysSo() {
        Run auto = run("score", DEMO.toString(), "--text", "The Python interpreter");
        assertEquals(0, auto.exit(), auto.err());
        // CI has no GPU: auto falls back to the CPU, at fp32, and the start-up line says so
        assertTrue(auto.err().startsWith("deltaeval: device cpu"), auto.err());
        assertTrue(auto.err().contains(", dtype fp32\n"), auto.err());
    }

    @Test
    void inspectRejectsATokenizerThatDoesNotParse(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path ckpt = Files.createDirectories(tmp.resolve("ckpt"));
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(DEMO.resolve(f), ckpt.resolve(f));
        }
        Files.writeString(ckpt.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": ");
        Run r = run("inspect", ckpt.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("deltaeval: error: " + ckpt.resolve("tokenizer.json") + ": unreadable tokenizer"),
                r.err());
    }

    @Test
    void inspectTakesTheTrainingContextFromTrainingMeta() {
        Run r = run("inspect", DEMO.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("training_context  512 (training_meta.json seq_len)\n"), r.out());
        // a word-problem checkpoint trained on 128 group elements, each sequence after [BOS] (its config says 2048)
        Run words = run("inspect", "../checkpoints/word-problems/s3_dp2_neg_l1");
        assertEquals(0, words.exit(), words.err());
        assertTrue(words.out().contains("training_context  129 (state_tracking.json k_train 128 + [BOS])\n"),
                words.out());
    }

    /** A fresh JVM, because DJL picks its libtorch once per process. */
    @Test
    void aLibraryPathWithoutLibtorchIsOneLineAndExit2() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                DeltaEvalCli.class.getName(), "score", DEMO.toString(), "--text", "hi", "--device", "gpu");
        pb.environment().put("PYTORCH_LIBRARY_PATH", "/nonexistent/lib");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertEquals("deltaeval: error: PYTORCH_LIBRARY_PATH=/nonexistent/lib holds no libtorch.so (expected the lib/ "
                + "folder of a libtorch or of a pip-installed torch)\n", err);
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
