// The token-by-token (gated) Householder-product recurrence for stepwise passes (generation: one token a call), over
// raw device pointers, no torch headers. One launch a layer where the DJL path ran ~15 operators per sub-step.
#pragma once
#include <cuda_runtime.h>

namespace deltaeval {

// All fp32, contiguous; `bh` sequence-heads, T tokens, n sub-steps a token:
//   q [bh, T, dk] (normalised, scaled), k [bh, T n, dk], v [bh, T n, dv], beta [bh, T n],
//   g [bh, T] log decay of each token (applied before its first sub-step) or nullptr, s0 [bh, dk, dv] or nullptr.
// Per token t: S <- exp(g_t) S; per sub-step s: S <- S + k_s (beta_s (v_s - S^T k_s))^T; o_t = S^T q_t.
// Outputs: o [bh, T, dv], last [bh, dk, dv].
struct RecurrentArgs {
    const float* q;
    const float* k;
    const float* v;
    const float* beta;
    const float* g;
    const float* s0;
    float* o;
    float* last;
    long long bh;
    long long tokens;
    int n;
    int dk;
    int dv;
};

const char* recurrent_unsupported(int dk, int dv);

const char* launch_recurrent(const RecurrentArgs& a, cudaStream_t stream);

}  // namespace deltaeval
