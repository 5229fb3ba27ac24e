// ATen-level entry points: checks, allocation on the caching allocator, the current stream. Shared by the C
// bridge (Java) and the torch.ops registration (the GPU host's Python checks call the very same functions).
// Shapes are those of ChunkedDeltaRule's chunk layout: [B, H, N chunks, C sub-steps (or Ct tokens), d].
#pragma once
#include <ATen/ATen.h>
#include <optional>
#include <tuple>

namespace deltaeval {

// K1: starts [B,H,N,dk,dv], v_new [B,H,N,C,dv], last [B,H,dk,dv] from k, w [B,H,N,C,dk], u [B,H,N,C,dv]; tf32: its
// products on tensor cores where chunk_state_tc.cu takes the shape.
std::tuple<at::Tensor, at::Tensor, at::Tensor> chunk_state(const at::Tensor& k, const at::Tensor& w,
                                                           const at::Tensor& u, const std::optional<at::Tensor>& g,
                                                           const std::optional<at::Tensor>& s0, bool tf32);

// K2: w [B,H,N,C,dk], u [B,H,N,C,dv] from k, v, beta [B,H,N,C] and the cumulative log decay g [B,H,N,C]; tf32:
// its products on tensor cores where chunk_wy_tc.cu takes the arguments.
std::tuple<at::Tensor, at::Tensor> chunk_wy(const at::Tensor& k, const at::Tensor& v, const at::Tensor& beta,
                                            const std::optional<at::Tensor>& g, bool tf32);

// K3: o [B,H,N,Ct,dv] from q [B,H,N,Ct,dk], k [B,H,N,C,dk], starts and v_new (K1's), g, n = C / Ct; tf32: its
// products on tensor cores (TF32 operands, fp32 accumulation).
at::Tensor chunk_out(const at::Tensor& q, const at::Tensor& k, const at::Tensor& starts, const at::Tensor& v_new,
                     const std::optional<at::Tensor>& g, int64_t n, bool tf32);

// Part of K4: y [B,T,C] = silu?(causal depthwise conv of history [B,W-1,C] ++ x [B,T,C]) with weight [C,W] (the
// last tap on the current token) and bias [C]; x, history, y fp16 or fp32, fp32 accumulation.
at::Tensor short_conv(const at::Tensor& x, const std::optional<at::Tensor>& history, const at::Tensor& weight,
                      const std::optional<at::Tensor>& bias, bool silu);

// The rest of K4: a layer's recurrence inputs in the chunk layout from the projections (chunk_inputs.h): q
// [B,H,N,Ct,dk], k [B,H,N,C,dk], v [B,H,N,C,dv], beta [B,H,N,C], g_tok [B,H,N,Ct] and g_sub [B,H,N,C] (both
// empty when ungated). qkv [B,T,*], beta_raw [B,T,n*H], a_raw [B,T,H] in one dtype; mask [B,T] (or [B,1,T]).
std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor, at::Tensor, at::Tensor> chunk_inputs(
    const at::Tensor& qkv, const std::optional<at::Tensor>& beta_raw, const std::optional<at::Tensor>& a_raw,
    const std::optional<at::Tensor>& dt_bias, const std::optional<at::Tensor>& neg_exp_a,
    const std::optional<at::Tensor>& mask, int64_t heads, int64_t dk, int64_t dv, int64_t n, int64_t ct,
    double q_scale, bool neg_eigval, bool silu);

// K5 (dense_ops.h): (sum or empty, y) = rms_norm(x [.., D], residual? [.., D], weight [D], eps), x's dtype;
// y [.., I] = silu(gate_up[.., :I]) * gate_up[.., I:]; y [B, T, H dv] = the read-out's per-head norm of o [B, H, T, dv]
// fp32 with weight [dv] and gate? [B, T, H dv], in fp16 when `half`.
std::tuple<at::Tensor, at::Tensor> rms_norm(const at::Tensor& x, const std::optional<at::Tensor>& residual,
                                            const at::Tensor& weight, double eps);
at::Tensor swiglu(const at::Tensor& gate_up);
at::Tensor head_norm(const at::Tensor& o, const at::Tensor& weight, const std::optional<at::Tensor>& gate, double eps,
                     bool half);

// Scoring (target_log_probs.h): (log_prob [...] fp32, argmax [...] int64) of logits [..., V] (fp16 or fp32) at
// targets [...] int64.
std::tuple<at::Tensor, at::Tensor> target_log_probs(const at::Tensor& logits, const at::Tensor& targets);

// Stepwise (recurrent.h): (o [B,H,T,1,dv], last [B,H,dk,dv]) from the chunk layout with one token a chunk (q
// [B,H,T,1,dk], k [B,H,T,n,dk], v [B,H,T,n,dv], beta [B,H,T,n], g [B,H,T,1]), s0 [B,H,dk,dv] or none.
std::tuple<at::Tensor, at::Tensor> recurrent(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                             const at::Tensor& beta, const std::optional<at::Tensor>& g,
                                             const std::optional<at::Tensor>& s0, int64_t n);

}  // namespace deltaeval
