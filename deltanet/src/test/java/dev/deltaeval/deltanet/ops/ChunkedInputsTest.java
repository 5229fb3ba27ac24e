package dev.deltaeval.deltanet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The chunk layout the DJL and the native kernels share, element by element against index arithmetic: 5 tokens of
 * n = 2 sub-steps in chunks of 4 sub-steps (2 tokens) are 3 chunks, the last half padding with zeros; the decay is
 * summed within each chunk and repeated over a token's sub-steps; read-outs come back without the padding.
 */
class ChunkedInputsTest {
    @Test
    void tokensAndSubStepsLandInTheirChunksAndPaddingIsZero() {
        int b = 2;
        int h = 3;
        int t = 5;
        int n = 2;
        int dk = 4;
        int dv = 3;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(new Shape(b, h, t, dk));
            NDArray k = m.randomNormal(new Shape(b, h, (long) t * n, dk));
            NDArray v = m.randomNormal(new Shape(b, h, (long) t * n, dv));
            NDArray beta = m.randomUniform(0f, 2f, new Shape(b, h, (long) t * n));
            NDArray g = m.randomUniform(-1f, 0f, new Shape(b, h, t));
            ChunkedInputs x = ChunkedInputs.of(new RecurrenceInputs(q, k, v, beta, g, n), 4);
            assertEquals(2, x.ct());
            assertEquals(3, x.chunks());
            assertEquals(4, x.c());
            assertEquals(new Shape(b, h, 3, 2, dk), x.q().getShape());
            assertEquals(new Shape(b, h, 3, 4, dk), x.k().getShape());
            assertEquals(new Shape(b, h, 3, 4, dv), x.v().getShape());
            assertEquals(new Shape(b, h, 3, 4), x.beta().getShape());

            float[] kIn = k.toFloatArray();
            float[] kOut = x.k().toFloatArray();
            float[] betaIn = beta.toFloatArray();
            float[] betaOut = x.beta().toFloatArray();
            float[] gIn = g.toFloatArray();
            float[] gTok = x.gTok().toFloatArray();
            float[] gSub = x.gSub().toFloatArray();
            for (int bh = 0; bh < b * h; bh++) {
                for (int s = 0; s < 3 * 4; s++) {           // sub-step s of the padded timeline
                    boolean real = s < t * n;
                    assertEquals(real ? betaIn[bh * t * n + s] : 0f, betaOut[bh * 12 + s], "beta at " + s);
                    for (int d = 0; d < dk; d++) {
                        assertEquals(real ? kIn[(bh * t * n + s) * dk + d] : 0f, kOut[(bh * 12 + s) * dk + d],
                                "k at " + s + ", " + d);
                    }
                }
                for (int chunk = 0; chunk < 3; chunk++) {
                    double sum = 0;
                    for (int j = 0; j < 2; j++) {              // token j of the chunk
                        int token = chunk * 2 + j;
                        sum += token < t ? gIn[bh * t + token] : 0;
                        assertEquals(sum, gTok[(bh * 3 + chunk) * 2 + j], 1e-6, "cumulative decay");
                        for (int i = 0; i < n; i++) {
                            assertEquals(gTok[(bh * 3 + chunk) * 2 + j], gSub[(bh * 3 + chunk) * 4 + j * n + i],
                                    "the decay at each of a token's sub-steps");
                        }
                    }
                }
            }
            assertArrayEquals(q.toFloatArray(), x.unchunk(x.q()).toFloatArray(), "read-outs without the padding");
        }
    }
}
