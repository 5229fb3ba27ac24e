package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * The chunked (WY / UT) form of the gated Householder-product recurrence (model.md §6.2), batched over all chunks
 * at once so that the number of NDArray calls does not grow with the sequence length:
 * <ul>
 *   <li>within a chunk of C = n * Ct sub-steps: T = (I + tril(diag(beta)(K K^T . Gamma), -1))^-1 by one batched
 *       {@code inverse()}, U = T V_beta, W = T (K_beta . exp(G));</li>
 *   <li>across chunks: S_{c+1} = M_c S_c + B_c with M_c = exp(G_C) I - K~^T W and B_c = K~^T U, by
 *       {@link AffineScan} in O(log #chunks) batched steps; a sequence of one chunk needs neither M nor the scan:
 *       S_1 = exp(G_C) S_0 + K~^T (U - W S_0);</li>
 *   <li>read-outs only at each token's last sub-step: O = (Q . exp(G_q)) S_c + (mask . Q K^T . Gamma_q) V_new.</li>
 * </ul>
 * Padding tokens get beta = 0 and g = 0, which leaves the state untouched. Masks and identities come from a
 * per-model {@link ChunkConstants} cache instead of being rebuilt in every layer.
 */
public final class ChunkedDeltaRule {
    private ChunkedDeltaRule() {
    }

    /**
     * @param chunkSubsteps target chunk length in sub-steps (rounded down to a multiple of n)
     */
    public static RecurrenceResult run(RecurrenceInputs in, NDArray initialState, int chunkSubsteps,
                                       ChunkConstants constants) {
        return run(in, initialState, chunkSubsteps, constants, null);
    }

    /**
     * @param statePass the cross-chunk pass for sequences of several chunks, or null for the built-in scan of
     *                  dk x dk transitions in DJL operators
     */
    public static RecurrenceResult run(RecurrenceInputs in, NDArray initialState, int chunkSubsteps,
                                       ChunkConstants constants, ChunkStatePass statePass) {
        return run(ChunkedInputs.of(in, chunkSubsteps), initialState, constants, statePass);
    }

    /** The same on inputs already in the chunk layout. */
    public static RecurrenceResult run(ChunkedInputs x, NDArray initialState, ChunkConstants constants,
                                       ChunkStatePass statePass) {
        int n = x.n();
        long ct = x.ct();
        long nChunks = x.chunks();
        long c = x.c();
        boolean gated = x.gated();
        NDArray kc = x.k();
        NDArray vc = x.v();
        NDArray qc = x.q();
        NDArray betaCol = x.beta().expandDims(-1);
        NDArray kT = kc.swapAxes(-1, -2);
        ChunkConstants.Masks masks = constants.get(c, ct, n, x.dk(), x.q().getDataType());
        NDArray a = kc.matMul(kT).mul(betaCol).mul(masks.strictLower);
        NDArray gTok = x.gTok();
        NDArray gSub = x.gSub();
        if (gated) {
            a = a.mul(decayMatrix(gSub, gSub, masks.lowerInclusive));
        }
        // The UT transform is the ill-conditioned step (entries of A reach 2 with beta in [0, 2]): see UtInverse
        NDArray tInv = constants.inverse().invert(a, masks.eye, masks.eye64);
        NDArray kBeta = kc.mul(betaCol);
        NDArray u = tInv.matMul(vc.mul(betaCol));
        NDArray w = tInv.matMul(gated ? kBeta.mul(gSub.exp().expandDims(-1)) : kBeta);

        NDArray scores = qc.matMul(kT);                                                 // [B,H,N,Ct,C]
        NDArray qState = qc;
        if (gated) {
            scores = scores.mul(decayMatrix(gTok, gSub, masks.queryMask));
            qState = qc.mul(gTok.exp().expandDims(-1));
        } else {
            scores = scores.mul(masks.queryMask);
        }
        NDArray o;
        NDArray last;
        if (nChunks == 1) {
            // One chunk (most eval passes: contexts and continuations shorter than a chunk): S_1 = exp(G_C) S_0 +
            // K~^T (U - W S_0) directly, with no dk x dk transition matrix and no scan. Per-call arrays stay the
            // receivers: DJL attaches a result to its receiver's manager.
            NDArray start = initialState == null ? null : initialState.expandDims(2);       // [B,H,1,dk,dv]
            NDArray vNew = start == null ? u : u.sub(w.matMul(start));
            NDArray gLast = gated ? lastOf(gSub) : null;                                    // [B,H,N]
            NDArray added = (gated ? decayedKeysT(kc, gSub) : kT).matMul(vNew).squeeze(2); // [B,H,dk,dv]
            last = initialState == null ? added : gated
                    ? added.add(gLast.exp().expandDims(-1).mul(initialState)) : added.add(initialState);
            NDArray intra = scores.matMul(vNew);
            o = start == null ? intra : qState.matMul(start).add(intra);
        } else {
            // across chunks: S_{c+1} = exp(G_C) S_c + K~^T (U - W S_c)
            ChunkStatePass pass = statePass != null ? statePass
                    : (keys, ww, uu, g, s0) -> scan(keys, ww, uu, g, s0, masks.eyeDk);
            ChunkStatePass.ChunkStates states = pass.run(kc, w, u, gSub, initialState);
            o = qState.matMul(states.starts()).add(scores.matMul(states.vNew()));
            last = states.last();
        }
        return new RecurrenceResult(x.unchunk(o), last);
    }

    /**
     * The built-in cross-chunk pass: S_{c+1} = M_c S_c + B_c with M = exp(G_C) I - K~^T W and B = K~^T U, composed
     * by {@link AffineScan} in O(log #chunks) batched steps of dk x dk products.
     */
    static ChunkStatePass.ChunkStates scan(NDArray kc, NDArray w, NDArray u, NDArray gSub, NDArray initialState,
                                           NDArray eyeDk) {
        NDArray decayedKeysT = decayedKeysT(kc, gSub);
        NDArray transition = gSub != null
                ? lastOf(gSub).exp().expandDims(-1).expandDims(-1).mul(eyeDk).sub(decayedKeysT.matMul(w))
                : decayedKeysT.matMul(w).neg().add(eyeDk);
        NDArray offset = decayedKeysT.matMul(u);
        AffineScan.ChunkStates states = AffineScan.chunkStarts(transition, offset, initialState);
        return new ChunkStatePass.ChunkStates(states.starts(), u.sub(w.matMul(states.starts())), states.last());
    }

    /** K~^T: the keys decayed to the end of their chunk, transposed [.., dk, C] (the keys themselves if ungated). */
    static NDArray decayedKeysT(NDArray kc, NDArray gSub) {
        if (gSub == null) {
            return kc.swapAxes(-1, -2);
        }
        return kc.mul(lastOf(gSub).expandDims(-1).sub(gSub).exp().expandDims(-1)).swapAxes(-1, -2);
    }

    /** The cumulative decay at each chunk's last sub-step [B, H, N]. */
    static NDArray lastOf(NDArray gSub) {
        return gSub.get(new NDIndex("..., -1"));
    }

    /** exp(G_row - G_col) where the mask allows it, 0 elsewhere (masked before exp so nothing overflows). */
    private static NDArray decayMatrix(NDArray gRows, NDArray gCols, NDArray mask) {
        return gRows.expandDims(-1).sub(gCols.expandDims(-2)).mul(mask).exp().mul(mask);
    }
}
