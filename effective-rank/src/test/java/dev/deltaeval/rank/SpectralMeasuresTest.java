package dev.deltaeval.rank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** Every measure on matrices whose singular values are known by construction. */
class SpectralMeasuresTest {
    static final double TOL = 1e-10;

    /** Roy and Vetterli from the known singular values, written out independently. */
    static double erank(double... sigma) {
        double sum = 0;
        for (double s : sigma) {
            sum += s;
        }
        double h = 0;
        for (double s : sigma) {
            if (s > 0) {
                h -= s / sum * Math.log(s / sum);
            }
        }
        return Math.exp(h);
    }

    static DMatrixRMaj diag(int rows, int cols, double... d) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < d.length; i++) {
            m.set(i, i, d[i]);
        }
        return m;
    }

    /** A random orthogonal matrix as a product of Householder reflections I - 2 v v^T / v^T v. */
    static DMatrixRMaj orthogonal(int n, Random rnd) {
        DMatrixRMaj q = CommonOps_DDRM.identity(n);
        for (int r = 0; r < n; r++) {
            double[] v = new double[n];
            double vv = 0;
            for (int i = 0; i < n; i++) {
                v[i] = rnd.nextGaussian();
                vv += v[i] * v[i];
            }
            DMatrixRMaj h = CommonOps_DDRM.identity(n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    h.set(i, j, h.get(i, j) - 2 * v[i] * v[j] / vv);
                }
            }
            DMatrixRMaj next = new DMatrixRMaj(n, n);
            CommonOps_DDRM.mult(q, h, next);
            q = next;
        }
        return q;
    }

    static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numCols);
        CommonOps_DDRM.mult(a, b, c);
        return c;
    }

    @Test
    void diagonalMatrix() {
        double[] sv = new SingularValues().of(diag(4, 4, 1, 3, 0, 2));
        assertArrayEquals(new double[] {3, 2, 1, 0}, sv, TOL);
        SpectralMeasures m = SpectralMeasures.of(sv, 1e-6);
        assertEquals(erank(3, 2, 1), m.effectiveRank(), TOL);
        assertEquals(3, m.numericalRank());
        assertEquals(Math.pow(9 + 4 + 1, 2) / (81 + 16 + 1), m.participationRatio(), TOL);
    }

    @Test
    void orthogonalProductsKeepTheSingularValues() {
        Random rnd = new Random(7);
        double[] d = {5, 4, 2, 1, 0.5, 0.25};
        DMatrixRMaj a = mult(mult(orthogonal(6, rnd), diag(6, 6, d)), orthogonal(6, rnd));
        double[] sv = new SingularValues().of(a);
        assertArrayEquals(d, sv, 1e-9);
        SpectralMeasures m = SpectralMeasures.of(sv, 1e-6);
        assertEquals(erank(d), m.effectiveRank(), 1e-9);
        assertEquals(6, m.numericalRank());
        // a rectangular one: U [8x8] diag [8x5] V [5x5]
        DMatrixRMaj r = mult(mult(orthogonal(8, rnd), diag(8, 5, 3, 3, 3, 1, 1)), orthogonal(5, rnd));
        assertArrayEquals(new double[] {3, 3, 3, 1, 1}, new SingularValues().of(r), 1e-9);
        assertEquals(erank(3, 3, 3, 1, 1), SpectralMeasures.of(new SingularValues().of(r), 1e-6).effectiveRank(), 1e-9);
    }

    @Test
    void rankDeficientMatrices() {
        Random rnd = new Random(3);
        DMatrixRMaj u = new DMatrixRMaj(16, 1);
        DMatrixRMaj v = new DMatrixRMaj(1, 12);
        for (int i = 0; i < 16; i++) {
            u.set(i, 0, rnd.nextGaussian());
        }
        for (int i = 0; i < 12; i++) {
            v.set(0, i, rnd.nextGaussian());
        }
        SpectralMeasures m = SpectralMeasures.of(new SingularValues().of(mult(u, v)), 1e-6);
        assertEquals(1.0, m.effectiveRank(), 1e-9, "rank one: round-off singular values barely count");
        assertEquals(1, m.numericalRank());
        assertEquals(1.0, m.participationRatio(), 1e-9);
        // rank 3 with equal singular values inside a 10x10 matrix
        DMatrixRMaj r3 = mult(mult(orthogonal(10, rnd), diag(10, 10, 2, 2, 2)), orthogonal(10, rnd));
        SpectralMeasures m3 = SpectralMeasures.of(new SingularValues().of(r3), 1e-6);
        assertEquals(3.0, m3.effectiveRank(), 1e-6);
        assertEquals(3, m3.numericalRank());
        assertEquals(3.0, m3.participationRatio(), 1e-9);
    }

    @Test
    void zeroAndIdentity() {
        SpectralMeasures zero = SpectralMeasures.of(new SingularValues().of(new DMatrixRMaj(5, 7)), 1e-6);
        assertEquals(new SpectralMeasures(0, 0, 0), zero);
        SpectralMeasures id = SpectralMeasures.of(new SingularValues().of(CommonOps_DDRM.identity(9)), 1e-6);
        assertEquals(9, id.effectiveRank(), TOL);
        assertEquals(9, id.numericalRank());
        assertEquals(9, id.participationRatio(), TOL);
    }

    @Test
    void valuesBelowMachineEpsilonAreDroppedAsTheScriptDoes() {
        SpectralMeasures m = SpectralMeasures.of(new double[] {1, 1, 1e-17}, 1e-20);
        assertEquals(2.0, m.effectiveRank(), TOL);
        assertEquals(3, m.numericalRank(), "the numerical rank uses its own threshold");
    }

    @Test
    void gramRouteAgreesWithTheSvdAndTheCovarianceIsTheSampleCovariance() {
        Random rnd = new Random(11);
        double[] d = {4, 3, 2, 1, 0.5};
        DMatrixRMaj x = mult(mult(orthogonal(40, rnd), diag(40, 5, d)), orthogonal(5, rnd));
        float[] xf = new float[x.data.length];
        for (int i = 0; i < xf.length; i++) {
            xf[i] = (float) x.data[i];
        }
        SingularValues sv = new SingularValues();
        assertArrayEquals(sv.of(xf, 0, 40, 5), sv.fromGram(SingularValues.gram(xf, 0, 40, 5)), 1e-5);
        assertArrayEquals(d, sv.fromGram(SingularValues.gram(xf, 0, 40, 5)), 1e-5);
        // covariance of the points (1,0), (-1,0), (0,2), (0,-2): diag(2/3, 8/3); mean zero
        float[] pts = {1, 0, -1, 0, 0, 2, 0, -2};
        double[] eig = HiddenRankCollector.covarianceEigenvalues(sv, SingularValues.gram(pts, 0, 4, 2),
                new double[] {0, 0}, 4);
        assertArrayEquals(new double[] {8.0 / 3, 2.0 / 3}, eig, 1e-9);
        // shifted by (5, 5): same covariance
        float[] shifted = {6, 5, 4, 5, 5, 7, 5, 3};
        double[] eig2 = HiddenRankCollector.covarianceEigenvalues(sv, SingularValues.gram(shifted, 0, 4, 2),
                new double[] {20, 20}, 4);
        assertArrayEquals(new double[] {8.0 / 3, 2.0 / 3}, eig2, 1e-9);
    }

    @Test
    void positionSelectors() {
        PositionSelector all = PositionSelector.parse("all", 10);
        assertEquals(30, all.count(10, 3));
        PositionSelector every = PositionSelector.parse("every:4", 10);
        assertEquals(2, every.count(10, 3));
        assertEquals(true, every.takes(3, 2, 3));
        assertEquals(false, every.takes(3, 1, 3));
        assertEquals(false, every.takes(4, 2, 3));
        PositionSelector log = PositionSelector.parse("log:4", 1000);
        assertArrayEquals(new long[] {1, 10, 100, 1000}, log.tokens());
        assertArrayEquals(new long[] {5, 20}, PositionSelector.parse("20, 5,5", 30).tokens());
        assertEquals("positions 'every:0': expected all, every:K, log:N or a list of token positions >= 1 such as "
                + "1,512,4096", org.junit.jupiter.api.Assertions.assertThrows(dev.deltaeval.common.DeltaEvalException.class,
                        () -> PositionSelector.parse("every:0", 10)).getMessage());
    }

    /** NaN weights give NaN states: that is one line, not a decomposition that "did not converge". */
    @org.junit.jupiter.api.Test
    void aNonFiniteMatrixIsNamedNotDecomposed() {
        float[] state = {1f, 0f, Float.NaN, 1f};
        String m = org.junit.jupiter.api.Assertions.assertThrows(dev.deltaeval.common.DeltaEvalException.class,
                () -> new SingularValues().of(state, 0, 2, 2)).getMessage();
        assertEquals("a 2 x 2 state matrix holds NaN or infinity: the model's recurrent states are not finite (check "
                + "the checkpoint's weights, or run in fp32)", m);
        org.ejml.data.DMatrixRMaj gram = new org.ejml.data.DMatrixRMaj(new double[][] {{1, 0},
            {0, Double.POSITIVE_INFINITY}});
        org.junit.jupiter.api.Assertions.assertThrows(dev.deltaeval.common.DeltaEvalException.class,
                () -> new SingularValues().fromGram(gram));
    }
}
