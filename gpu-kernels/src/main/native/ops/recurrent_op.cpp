#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include "../cuda/recurrent.h"
#include "checks.h"
#include "ops.h"

namespace deltaeval {

std::tuple<at::Tensor, at::Tensor> recurrent(const at::Tensor& q_in, const at::Tensor& k_in, const at::Tensor& v_in,
                                             const at::Tensor& beta_in, const std::optional<at::Tensor>& g_in,
                                             const std::optional<at::Tensor>& s0_in, int64_t n) {
    constexpr const char* op = "recurrent";
    // the chunk layout with one token a chunk: q [B, H, T, 1, dk], k [B, H, T, n, dk], v [B, H, T, n, dv],
    // beta [B, H, T, n], g [B, H, T, 1]
    at::Tensor q = checked(op, q_in, "q", 5, q_in);
    at::Tensor k = checked(op, k_in, "k", 5, q_in);
    at::Tensor v = checked(op, v_in, "v", 5, q_in);
    at::Tensor beta = checked(op, beta_in, "beta", 4, q_in);
    at::Tensor g = checked_optional(op, g_in, "g", 4, q_in);
    require(n >= 1 && q.size(3) == 1 && k.size(3) == n && v.size(3) == n && beta.size(3) == n, op,
            ": one token a chunk and n sub-steps expected (q ", q.sizes(), ", k ", k.sizes(), ", n ", n, ")");
    require_prefix(op, k, "k", q, "q", 3);
    require_prefix(op, v, "v", q, "q", 3);
    require_prefix(op, beta, "beta", q, "q", 3);
    if (g.defined()) require_prefix(op, g, "g", q, "q", 3);
    const int64_t b = q.size(0), h = q.size(1), t = q.size(2), dk = q.size(4), dv = v.size(4);
    require(k.size(4) == dk, op, ": k ", k.sizes(), " and q ", q.sizes(), " differ in the key size");
    const char* why = recurrent_unsupported((int)dk, (int)dv);
    require(why == nullptr, op, ": ", why, " (dk ", dk, ", dv ", dv, ")");
    at::Tensor s0 = checked_optional(op, s0_in, "s0", 4, q_in);
    if (s0.defined()) {
        require(s0.size(0) == b && s0.size(1) == h && s0.size(2) == dk && s0.size(3) == dv, op, ": s0 ", s0.sizes(),
                " must be [", b, ", ", h, ", ", dk, ", ", dv, "]");
    }
    c10::cuda::CUDAGuard guard(q.device());
    at::Tensor o = at::empty({b, h, t, 1, dv}, q.options());
    at::Tensor last = at::empty({b, h, dk, dv}, q.options());
    RecurrentArgs a{q.data_ptr<float>(), k.data_ptr<float>(), v.data_ptr<float>(), beta.data_ptr<float>(), ptr(g),
                    ptr(s0), o.data_ptr<float>(), last.data_ptr<float>(), b * h, t, (int)n, (int)dk, (int)dv};
    const char* err = launch_recurrent(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return std::make_tuple(o, last);
}

}  // namespace deltaeval
