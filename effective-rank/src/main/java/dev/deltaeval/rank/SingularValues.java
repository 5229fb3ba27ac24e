package dev.deltaeval.rank;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Singular values only, with EJML (20-40x faster than Commons Math, which always builds U and V). A decomposition
 * object is reused per thread: create one per worker.
 */
public final class SingularValues {
    private SingularValueDecomposition_F64<DMatrixRMaj> svd;
    private EigenDecomposition_F64<DMatrixRMaj> eig;
    private int rows = -1;
    private int cols = -1;

    /** Singular values, largest first, of the row-major [rows x cols] matrix at {@code data[offset..]}. */
    public double[] of(float[] data, int offset, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            m.data[i] = data[offset + i];
        }
        return of(m);
    }

    public double[] of(DMatrixRMaj m) {
        requireFinite(m, "state");
        if (svd == null || m.numRows != rows || m.numCols != cols) {
            svd = DecompositionFactory_DDRM.svd(m.numRows, m.numCols, false, false, true);
            rows = m.numRows;
            cols = m.numCols;
        }
        if (!svd.decompose(m)) {
            throw new ArithmeticException("SVD did not converge for a " + m.numRows + " x " + m.numCols + " matrix");
        }
        double[] s = svd.getSingularValues().clone();
        int n = svd.numberOfSingularValues();
        double[] out = java.util.Arrays.copyOf(s, n);
        java.util.Arrays.sort(out);
        reverse(out);
        return out;
    }

    /** A NaN or infinity has no rank: one line that says where to look, instead of a decomposition's failure. */
    private static void requireFinite(DMatrixRMaj m, String what) {
        for (double x : m.data) {
            if (!Double.isFinite(x)) {
                throw new dev.deltaeval.common.DeltaEvalException("a " + m.numRows + " x " + m.numCols + " " + what
                        + " matrix holds NaN or infinity: the model's " + (what.equals("state") ? "recurrent states"
                        : "activations") + " are not finite (check the checkpoint's weights, or run in fp32)");
            }
        }
    }

    /**
     * Singular values of a matrix X from its Gram matrix G = X^T X (symmetric, positive semi-definite): sqrt of the
     * eigenvalues. The route for tall matrices whose Gram is accumulated while streaming ([tokens x hidden]).
     * Eigenvalues below zero from round-off become 0; relative accuracy is lost below about sqrt(eps) * sigma_max.
     */
    public double[] fromGram(DMatrixRMaj gram) {
        if (eig == null) {
            eig = DecompositionFactory_DDRM.eig(false, true); // values only, symmetric
        }
        requireFinite(gram, "hidden-state Gram");
        DMatrixRMaj g = gram.copy();
        if (!eig.decompose(g)) {
            throw new ArithmeticException("eigendecomposition did not converge for a " + g.numRows + " Gram matrix");
        }
        double[] out = new double[g.numRows];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.sqrt(Math.max(0, eig.getEigenvalue(i).getReal()));
        }
        java.util.Arrays.sort(out);
        reverse(out);
        return out;
    }

    /** X^T X in fp64 of a row-major [rows x cols] float block. */
    public static DMatrixRMaj gram(float[] data, int offset, int rows, int cols) {
        DMatrixRMaj x = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            x.data[i] = data[offset + i];
        }
        DMatrixRMaj g = new DMatrixRMaj(cols, cols);
        CommonOps_DDRM.multInner(x, g);
        return g;
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
