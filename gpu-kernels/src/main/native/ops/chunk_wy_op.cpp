#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include "../cuda/chunk_wy.h"
#include "checks.h"
#include "ops.h"

namespace deltaeval {

std::tuple<at::Tensor, at::Tensor> chunk_wy(const at::Tensor& k_in, const at::Tensor& v_in, const at::Tensor& beta_in,
                                            const std::optional<at::Tensor>& g_in, bool tf32) {
    constexpr const char* op = "chunk_wy";
    at::Tensor k = checked(op, k_in, "k", 5, k_in);
    at::Tensor v = checked(op, v_in, "v", 5, k_in);
    at::Tensor beta = checked(op, beta_in, "beta", 4, k_in);
    require_prefix(op, v, "v", k, "k", 4);
    require_prefix(op, beta, "beta", k, "k", 4);
    at::Tensor g = checked_optional(op, g_in, "g", 4, k_in);
    if (g.defined()) require_prefix(op, g, "g", k, "k", 4);
    const int64_t c = k.size(3), dk = k.size(4), dv = v.size(4);
    const char* why = chunk_wy_unsupported((int)c, (int)dk, (int)dv);
    require(why == nullptr, op, ": ", why, " (C ", c, ", dk ", dk, ", dv ", dv, ")");
    c10::cuda::CUDAGuard guard(k.device());
    at::Tensor w = at::empty_like(k);
    at::Tensor u = at::empty_like(v);
    ChunkWyArgs a{k.data_ptr<float>(), v.data_ptr<float>(), beta.data_ptr<float>(), ptr(g), w.data_ptr<float>(),
                  u.data_ptr<float>(), k.size(0) * k.size(1) * k.size(2), (int)c, (int)dk, (int)dv, tf32};
    const char* err = launch_chunk_wy(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return std::make_tuple(w, u);
}

}  // namespace deltaeval
