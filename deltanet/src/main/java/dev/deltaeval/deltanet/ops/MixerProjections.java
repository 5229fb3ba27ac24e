package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;

/**
 * One layer's recurrence inputs as the projections hold them, before the head split: what a kernel family that
 * builds its own input layout in one pass reads ({@link DeltaRuleKernel.Bound#runFromProjections}). The layer
 * offers them only where its queries and keys take SiLU and an L2 norm (every fla configuration of the three
 * families); the formulas are those of {@code HouseholderMixer}'s own path, which is the reference:
 * <ul>
 *   <li>q [B, T, H, dk] = SiLU? (qkv[:, :, 0 : H dk]) / sqrt(|.|^2 + 1e-6) * {@code qScale}</li>
 *   <li>key of token t's sub-step j, head h: SiLU? (qkv[b, t, H dk + j H dk + h dk ...]), L2-normalised alike</li>
 *   <li>value of sub-step j, head h: SiLU? (qkv[b, t, (n + 1) H dk + (j H + h) dv ...])</li>
 *   <li>beta of sub-step j, head h: sigmoid(betaRaw[b, t, j H + h]) (times 2 with negative eigenvalues), 1 without
 *       betaRaw; times the token mask</li>
 *   <li>log decay of token t, head h: softplus(aRaw[b, t, h] + dtBias[h]) * negExpA[h] * mask (gated layers)</li>
 * </ul>
 * where "SiLU?" applies SiLU unless {@code activated} (a fused convolution applied it already).
 *
 * @param qkv       [B, T, >= (n + 1) H dk + n H dv] in the model's dtype (a column slice of the projection is fine)
 * @param activated whether SiLU was applied to qkv already
 * @param betaRaw   [B, T, n H] step-size logits, or null (beta = 1)
 * @param aRaw      [B, T, H] forget-gate inputs, or null (ungated)
 * @param dtBias    [H] fp32, or null
 * @param negExpA   [H] fp32, -exp(A_log) (gated layers)
 * @param mask      [B, 1, T] fp32, 1 for real tokens and 0 for right padding, or null
 * @param substepMask [B, 1, T n] the same per sub-step (null with mask)
 */
public record MixerProjections(NDArray qkv, boolean activated, NDArray betaRaw, NDArray aRaw, NDArray dtBias,
                               NDArray negExpA, NDArray mask, NDArray substepMask, int heads, int dk, int dv, int n, float qScale,
                               boolean negativeEigenvalues) {
    public long batch() {
        return qkv.getShape().get(0);
    }

    public long tokens() {
        return qkv.getShape().get(1);
    }

    public boolean gated() {
        return aRaw != null;
    }
}
