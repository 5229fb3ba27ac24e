#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include "../cuda/chunk_state.h"
#include "checks.h"
#include "ops.h"

namespace deltaeval {

std::tuple<at::Tensor, at::Tensor, at::Tensor> chunk_state(const at::Tensor& k_in, const at::Tensor& w_in,
                                                           const at::Tensor& u_in, const std::optional<at::Tensor>& g_in,
                                                           const std::optional<at::Tensor>& s0_in, bool tf32) {
    constexpr const char* op = "chunk_state";
    at::Tensor k = checked(op, k_in, "k", 5, k_in);
    at::Tensor w = checked(op, w_in, "w", 5, k_in);
    at::Tensor u = checked(op, u_in, "u", 5, k_in);
    const int64_t b = k.size(0), h = k.size(1), n = k.size(2), c = k.size(3), dk = k.size(4), dv = u.size(4);
    require(w.sizes() == k.sizes(), op, ": w ", w.sizes(), " must have k's shape ", k.sizes());
    require_prefix(op, u, "u", k, "k", 4);
    const char* why = chunk_state_unsupported((int)c, (int)dk, (int)dv);
    require(why == nullptr, op, ": ", why, " (C ", c, ", dk ", dk, ", dv ", dv, ")");
    at::Tensor g = checked_optional(op, g_in, "g", 4, k_in);
    if (g.defined()) require_prefix(op, g, "g", k, "k", 4);
    at::Tensor s0 = checked_optional(op, s0_in, "s0", 4, k_in);
    if (s0.defined()) {
        require(s0.size(0) == b && s0.size(1) == h && s0.size(2) == dk && s0.size(3) == dv,
                op, ": s0 ", s0.sizes(), " must be [B, H, dk, dv]");
    }
    c10::cuda::CUDAGuard guard(k.device());
    at::Tensor starts = at::empty({b, h, n, dk, dv}, k.options());
    at::Tensor v_new = at::empty({b, h, n, c, dv}, k.options());
    at::Tensor last = at::empty({b, h, dk, dv}, k.options());
    ChunkStateArgs a{k.data_ptr<float>(), w.data_ptr<float>(), u.data_ptr<float>(), ptr(g), ptr(s0),
                     starts.data_ptr<float>(), v_new.data_ptr<float>(), last.data_ptr<float>(),
                     (int)(b * h), (int)n, (int)c, (int)dk, (int)dv, tf32};
    const char* err = launch_chunk_state(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return std::make_tuple(starts, v_new, last);
}

}  // namespace deltaeval
