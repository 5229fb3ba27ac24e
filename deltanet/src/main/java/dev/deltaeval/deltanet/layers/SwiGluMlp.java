package dev.deltaeval.deltanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** fla's GatedMLP: down(silu(gate(x)) * up(x)), with gate and up fused into one matmul. */
public final class SwiGluMlp {
    private final NDArray gateUpT; // [H, 2I]
    private final NDArray downT;   // [I, H]
    private final long intermediate;

    public SwiGluMlp(NDArray gateUpT, NDArray downT) {
        this.gateUpT = gateUpT;
        this.downT = downT;
        this.intermediate = downT.getShape().get(0);
    }

    public NDArray apply(NDArray x) {
        NDList gu = x.matMul(gateUpT).split(new long[] {intermediate}, 2);
        return Ops.silu(gu.get(0)).mul(gu.get(1)).matMul(downT);
    }
}
