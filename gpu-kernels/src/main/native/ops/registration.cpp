// The ops as torch.ops.deltaeval.* for the GPU host's Python checks (the Java side calls the C bridge instead).
#include <torch/library.h>

#include "ops.h"

TORCH_LIBRARY(deltaeval, m) {
    m.def("chunk_state(Tensor k, Tensor w, Tensor u, Tensor? g, Tensor? s0, bool tf32=False) -> (Tensor, Tensor, Tensor)",
          &deltaeval::chunk_state);
    m.def("chunk_wy(Tensor k, Tensor v, Tensor beta, Tensor? g, bool tf32=False) -> (Tensor, Tensor)", &deltaeval::chunk_wy);
    m.def("chunk_out(Tensor q, Tensor k, Tensor starts, Tensor v_new, Tensor? g, int n, bool tf32=False) -> Tensor",
          &deltaeval::chunk_out);
    m.def("short_conv(Tensor x, Tensor? history, Tensor weight, Tensor? bias, bool silu) -> Tensor",
          &deltaeval::short_conv);
    m.def("chunk_inputs(Tensor qkv, Tensor? beta_raw, Tensor? a_raw, Tensor? dt_bias, Tensor? neg_exp_a, Tensor? mask, "
          "int heads, int dk, int dv, int n, int ct, float q_scale, bool neg_eigval, bool silu) -> "
          "(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)",
          &deltaeval::chunk_inputs);
    m.def("rms_norm(Tensor x, Tensor? residual, Tensor weight, float eps) -> (Tensor, Tensor)", &deltaeval::rms_norm);
    m.def("swiglu(Tensor gate_up) -> Tensor", &deltaeval::swiglu);
    m.def("head_norm(Tensor o, Tensor weight, Tensor? gate, float eps, bool half) -> Tensor", &deltaeval::head_norm);
    m.def("target_log_probs(Tensor logits, Tensor targets) -> (Tensor, Tensor)", &deltaeval::target_log_probs);
    m.def("recurrent(Tensor q, Tensor k, Tensor v, Tensor beta, Tensor? g, Tensor? s0, int n) -> (Tensor, Tensor)",
          &deltaeval::recurrent);
}
