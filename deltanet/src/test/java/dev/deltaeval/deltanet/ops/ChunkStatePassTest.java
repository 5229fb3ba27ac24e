package dev.deltaeval.deltanet.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seam a native state pass plugs into: the chunk-by-chunk reference ({@link LoopStatePass}, what a native
 * kernel computes) agrees with the step-by-step recurrence (independent of the chunked algebra) and with the
 * built-in scan, and ChunkedDeltaRule runs whichever pass it is given for every multi-chunk call.
 */
class ChunkStatePassTest {

    private static NDArray unit(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).sqrt());
    }

    private static double relative(NDArray a, NDArray ref) {
        return a.sub(ref).square().sum().sqrt().getFloat() / ref.square().sum().sqrt().getFloat();
    }

    @ParameterizedTest(name = "n_h {0}, {1} tokens, gated {2}, initial state {3}")
    @CsvSource({"2, 70, false, true", "3, 50, true, false", "1, 150, true, true", "2, 33, false, false"})
    void theLoopReferenceTheScanAndTheRecurrenceAgree(int n, int t, boolean gated, boolean withState) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7 + n + t);
            int b = 2;
            int h = 3;
            int d = 16;
            NDArray q = unit(m.randomNormal(new Shape(b, h, t, d))).mul(0.25);
            NDArray k = unit(m.randomNormal(new Shape(b, h, (long) t * n, d)));
            NDArray v = m.randomNormal(new Shape(b, h, (long) t * n, d));
            NDArray beta = m.randomUniform(0f, 2f, new Shape(b, h, (long) t * n));
            NDArray g = gated ? m.randomUniform(-0.3f, 0f, new Shape(b, h, t)) : null;
            NDArray s0 = withState ? m.randomNormal(new Shape(b, h, d, d)).mul(0.1) : null;
            RecurrenceInputs in = new RecurrenceInputs(q, k, v, beta, g, n);
            ChunkConstants constants = new ChunkConstants(m, UtInverse.forOptions(ComputeOptions.cpu()));
            AtomicInteger calls = new AtomicInteger();
            LoopStatePass loop = new LoopStatePass();
            ChunkStatePass counted = (kk, w, u, gs, s) -> {
                calls.incrementAndGet();
                return loop.run(kk, w, u, gs, s);
            };
            // chunks of 16 sub-steps, so every case spans several chunks
            RecurrenceResult viaLoop = ChunkedDeltaRule.run(in, s0, 16, constants, counted);
            RecurrenceResult viaScan = ChunkedDeltaRule.run(in, s0, 16, constants, null);
            RecurrenceResult stepwise = RecurrentDeltaRule.run(in, s0);
            assertEquals(1, calls.get(), "the given pass runs once per call");
            double loopVsSteps = relative(viaLoop.o(), stepwise.o()) + relative(viaLoop.finalState(),
                    stepwise.finalState());
            double loopVsScan = relative(viaLoop.o(), viaScan.o()) + relative(viaLoop.finalState(),
                    viaScan.finalState());
            assertTrue(loopVsSteps < 1e-4, "loop pass vs step-by-step recurrence: " + loopVsSteps);
            assertTrue(loopVsScan < 1e-5, "loop pass vs scan: " + loopVsScan);
        }
    }
}
