package dev.deltaeval.deltanet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** 1000 forward calls, with states created and closed, keep native memory and the model's arrays flat. */
class NoLeakTest {
    @Test
    void thousandForwardCallsKeepMemoryFlat() throws IOException {
        int calls = Integer.getInteger("leaktest.calls", 1000);
        try (DeltaNetModel model = DeltaNetModel.load(DeltaNetCheckpoint.open(Fixtures.dir("v022_dp3_gated_outgate")),
                ComputeOptions.cpu())) {
            // 2 x 96 tokens: one leaked activation per call ([2, 96, 64] fp32, 49 kB) would add ~49 MB per 1000 calls
            TokenBatch input = new TokenBatch(Fixtures.expected("v022_dp3_gated_outgate").readLongs("input_ids"), 2, 96);
            // warm up the allocators and the Java heap first, so that what remains is growth per call
            for (int i = 0; i < 300; i++) {
                runOnce(model, input);
            }
            int resident = model.residentArrays(); // after warm-up: lazily built caches (fp64 head) exist by now
            long before = settledRssKb();
            for (int i = 0; i < calls; i++) {
                runOnce(model, input);
            }
            long grownKb = settledRssKb() - before;
            System.out.println("RSS growth over " + calls + " forward calls: " + grownKb + " kB");
            assertEquals(resident, model.residentArrays(), "the model's manager gained arrays");
            assertTrue(grownKb < 32 * 1024, "RSS grew by " + grownKb + " kB over " + calls + " calls");
        }
    }

    /** The GPU's kernel choices (doubling UT inverse), run on the CPU: nothing they make may outlive a forward. */
    @Test
    void doublingInverseLeavesNothingOnTheModel() {
        ComputeOptions gpuKernels = ComputeOptions.cpu().withKernels("djl-chunked-doubling");
        try (DeltaNetModel model = DeltaNetModel.load(DeltaNetCheckpoint.open(Fixtures.dir("v022_dp3_gated_outgate")), gpuKernels)) {
            TokenBatch input = new TokenBatch(Fixtures.expected("v022_dp3_gated_outgate").readLongs("input_ids"), 2, 96);
            runOnce(model, input);
            int resident = model.residentArrays();
            for (int i = 0; i < 3; i++) {
                runOnce(model, input);
            }
            assertEquals(resident, model.residentArrays(), "the model's manager gained arrays");
        }
    }

    private static void runOnce(DeltaNetModel model, TokenBatch input) {
        ForwardOutput out = model.forward(input, null, ForwardRequest.score(input).withState());
        try (RecurrentState s = out.state(); RecurrentState f = s.fork()) {
            model.forward(input.slice(0, 8), f, ForwardRequest.logits(ForwardMode.STEPWISE)).logits();
        }
    }

    /** RSS after garbage collection has run the cleaners of DJL's direct buffers (ids in, logits out). */
    private static long settledRssKb() throws IOException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rssKb();
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }
}
