package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;

/** fla's GatedMLP: down(silu(gate(x)) * up(x)), with gate and up fused into one matmul. */
public final class SwiGluMlp {
    private final NDArray gateUpT; // [H, 2I]
    private final NDArray downT;   // [I, H]

    public SwiGluMlp(NDArray gateUpT, NDArray downT) {
        this.gateUpT = gateUpT;
        this.downT = downT;
    }

    public NDArray apply(NDArray x, DenseStages dense) {
        return dense.swiGlu(x.matMul(gateUpT)).matMul(downT);
    }
}
