#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include "../cuda/chunk_out.h"
#include "checks.h"
#include "ops.h"

namespace deltaeval {

at::Tensor chunk_out(const at::Tensor& q_in, const at::Tensor& k_in, const at::Tensor& starts_in,
                     const at::Tensor& v_new_in, const std::optional<at::Tensor>& g_in, int64_t n, bool tf32) {
    constexpr const char* op = "chunk_out";
    at::Tensor q = checked(op, q_in, "q", 5, q_in);
    at::Tensor k = checked(op, k_in, "k", 5, q_in);
    at::Tensor starts = checked(op, starts_in, "starts", 5, q_in);
    at::Tensor v_new = checked(op, v_new_in, "v_new", 5, q_in);
    require_prefix(op, k, "k", q, "q", 3);
    require_prefix(op, starts, "starts", q, "q", 3);
    require_prefix(op, v_new, "v_new", k, "k", 4);
    const int64_t ct = q.size(3), c = k.size(3), dk = q.size(4), dv = v_new.size(4);
    require(n >= 1 && ct * n == c, op, ": ", ct, " tokens x ", n, " sub-steps must equal k's chunk of ", c);
    require(k.size(4) == dk && starts.size(3) == dk && starts.size(4) == dv, op, ": q ", q.sizes(), ", k ",
            k.sizes(), ", starts ", starts.sizes(), " and v_new ", v_new.sizes(), " disagree on dk or dv");
    at::Tensor g = checked_optional(op, g_in, "g", 4, q_in);
    if (g.defined()) require_prefix(op, g, "g", k, "k", 4);
    const char* why = chunk_out_unsupported((int)ct, (int)n, (int)dk, (int)dv);
    require(why == nullptr, op, ": ", why, " (tokens ", ct, ", n ", n, ", dk ", dk, ", dv ", dv, ")");
    c10::cuda::CUDAGuard guard(q.device());
    at::Tensor o = at::empty({q.size(0), q.size(1), q.size(2), ct, dv}, q.options());
    ChunkOutArgs a{q.data_ptr<float>(), k.data_ptr<float>(), starts.data_ptr<float>(), v_new.data_ptr<float>(), ptr(g),
                   o.data_ptr<float>(), q.size(0) * q.size(1) * q.size(2), (int)ct, (int)n, (int)dk, (int)dv, tf32};
    const char* err = launch_chunk_out(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return o;
}

}  // namespace deltaeval
