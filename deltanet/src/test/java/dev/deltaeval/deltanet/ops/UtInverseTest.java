package dev.deltaeval.deltanet.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The doubling product against an independent inverse: plain fp64 forward substitution on the host. */
class UtInverseTest {
    private static final int C = 64;

    /** A = tril(diag(beta) K K^T, -1) for unit keys of dimension d drawn around a shared direction. */
    private static double[][] utMatrix(Random r, int d, double spread, double betaMax) {
        double[] common = new double[d];
        for (int i = 0; i < d; i++) {
            common[i] = r.nextGaussian();
        }
        double[][] k = new double[C][d];
        for (int s = 0; s < C; s++) {
            double norm = 0;
            for (int i = 0; i < d; i++) {
                k[s][i] = common[i] + spread * r.nextGaussian();
                norm += k[s][i] * k[s][i];
            }
            for (int i = 0; i < d; i++) {
                k[s][i] /= Math.sqrt(norm);
            }
        }
        double[][] a = new double[C][C];
        for (int i = 0; i < C; i++) {
            double beta = betaMax * r.nextDouble();
            for (int j = 0; j < i; j++) {
                double dot = 0;
                for (int x = 0; x < d; x++) {
                    dot += k[i][x] * k[j][x];
                }
                a[i][j] = beta * dot;
            }
        }
        return a;
    }

    /** (I + A)^-1 column by column by forward substitution, in fp64. */
    private static double[][] substitution(double[][] a) {
        double[][] t = new double[C][C];
        for (int col = 0; col < C; col++) {
            for (int i = 0; i < C; i++) {
                double v = i == col ? 1 : 0;
                for (int j = 0; j < i; j++) {
                    v -= a[i][j] * t[j][col];
                }
                t[i][col] = v;
            }
        }
        return t;
    }

    private static float[] flat(double[][] m) {
        float[] f = new float[C * C];
        for (int i = 0; i < C; i++) {
            for (int j = 0; j < C; j++) {
                f[i * C + j] = (float) m[i][j];
            }
        }
        return f;
    }

    private static double maxDiff(float[] got, double[][] want) {
        double m = 0;
        for (int i = 0; i < C; i++) {
            for (int j = 0; j < C; j++) {
                m = Math.max(m, Math.abs(got[i * C + j] - want[i][j]) / Math.max(1, Math.abs(want[i][j])));
            }
        }
        return m;
    }

    @Test
    void doublingEqualsSubstitutionOnTypicalKeys() {
        Random r = new Random(7);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray eye = m.eye(C).toType(DataType.FLOAT32, false);
            NDArray eye64 = m.eye(C).toType(DataType.FLOAT64, false);
            for (double betaMax : new double[] {1, 2}) {
                double[][] a = utMatrix(r, 64, 1.0, betaMax);
                NDArray arr = m.create(flat(a), new Shape(1, C, C));
                double d = maxDiff(UtInverse.DOUBLING.invert(arr, eye, eye64).toFloatArray(), substitution(a));
                double d32 = maxDiff(UtInverse.DOUBLING_FP32.invert(arr, eye, eye64).toFloatArray(), substitution(a));
                double lu = maxDiff(UtInverse.LU_FP64.invert(arr, eye, eye64).toFloatArray(), substitution(a));
                System.out.printf("beta <= %.0f: doubling %.2e, fp32-checked %.2e, LU %.2e%n", betaMax, d, d32, lu);
                assertTrue(d < 1e-5, "doubling off by " + d);
                assertTrue(d32 < 1e-5, "doubling with an fp32 Newton step off by " + d32);
                assertTrue(lu < 1e-5, "LU off by " + lu);
            }
        }
    }

    @Test
    void parallelKeysWithBetaNearTwoFallBackToTheExactInverse() {
        // identical keys and beta = 1.99: A = 1.99 L (L strictly lower ones); A^32 has entries near 1e27, so fp32
        // cancellation would ruin the doubling product (the true inverse stays below 2); the residual check must
        // catch it and return the fp64 LU inverse instead
        double[][] a = new double[C][C];
        for (int i = 0; i < C; i++) {
            for (int j = 0; j < i; j++) {
                a[i][j] = 1.99;
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray eye = m.eye(C).toType(DataType.FLOAT32, false);
            NDArray eye64 = m.eye(C).toType(DataType.FLOAT64, false);
            NDArray arr = m.create(flat(a), new Shape(1, C, C));
            float[] got = UtInverse.DOUBLING.invert(arr, eye, eye64).toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(UtInverse.LU_FP64.invert(arr, eye, eye64).toFloatArray(), got);
            org.junit.jupiter.api.Assertions.assertArrayEquals(got, UtInverse.DOUBLING_FP32.invert(arr, eye, eye64)
                    .toFloatArray(), "the fp32-checked product falls back the same way");
            assertTrue(maxDiff(got, substitution(a)) < 1e-5, "fallback off by " + maxDiff(got, substitution(a)));
            // and without the check the product would indeed be wrong
            NDArray t = eye.sub(arr);
            NDArray p = arr;
            for (int k = 1; 2 * k < C; k *= 2) {
                p = p.matMul(p);
                t = t.add(t.matMul(p));
            }
            assertTrue(maxDiff(t.toFloatArray(), substitution(a)) > 1, "the unchecked product was expected to fail");
        }
    }
}
