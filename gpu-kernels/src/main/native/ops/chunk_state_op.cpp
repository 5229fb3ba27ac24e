#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/library.h>

#include <sstream>
#include <stdexcept>

#include "../cuda/chunk_state.h"
#include "ops.h"

namespace deltaeval {
namespace {

// Argument errors are std::invalid_argument, not TORCH_CHECK's c10::Error: on the GPU host (torch 2.11) a failed
// TORCH_CHECK in this library crashed the process (segfault under torch.ops) while the same call with valid
// arguments ran; a standard exception carries the message without c10's backtrace capture.
template <typename... Parts>
void require(bool ok, const Parts&... parts) {
    if (!ok) {
        std::ostringstream msg;
        (msg << ... << parts);
        throw std::invalid_argument(msg.str());
    }
}

// fp32, CUDA, on k's device, of the given rank; a contiguous copy only if the caller passed a strided view.
at::Tensor checked(const at::Tensor& t, const char* name, int64_t dims, const at::Tensor& like) {
    require(t.is_cuda(), "chunk_state: ", name, " must be a CUDA tensor");
    require(t.scalar_type() == at::kFloat, "chunk_state: ", name, " must be float32, got ", t.scalar_type());
    require(t.dim() == dims, "chunk_state: ", name, " must have ", dims, " dimensions, got ", t.sizes());
    require(t.device() == like.device(), "chunk_state: ", name, " is on ", t.device(), ", k on ", like.device());
    return t.contiguous();
}

}  // namespace

std::tuple<at::Tensor, at::Tensor, at::Tensor> chunk_state(const at::Tensor& k_in, const at::Tensor& w_in,
                                                           const at::Tensor& u_in, const std::optional<at::Tensor>& g_in,
                                                           const std::optional<at::Tensor>& s0_in) {
    at::Tensor k = checked(k_in, "k", 5, k_in);
    at::Tensor w = checked(w_in, "w", 5, k_in);
    at::Tensor u = checked(u_in, "u", 5, k_in);
    const int64_t b = k.size(0), h = k.size(1), n = k.size(2), c = k.size(3), dk = k.size(4), dv = u.size(4);
    require(w.sizes() == k.sizes(), "chunk_state: w ", w.sizes(), " must have k's shape ", k.sizes());
    require(u.size(0) == b && u.size(1) == h && u.size(2) == n && u.size(3) == c,
                "chunk_state: u ", u.sizes(), " must be [B, H, N, C, dv] as k ", k.sizes());
    const char* why = chunk_state_unsupported((int)c, (int)dk, (int)dv);
    require(why == nullptr, "chunk_state: ", why, " (C ", c, ", dk ", dk, ", dv ", dv, ")");
    at::Tensor g, s0;
    if (g_in.has_value() && g_in->defined()) {
        g = checked(*g_in, "g", 4, k_in);
        require(g.size(0) == b && g.size(1) == h && g.size(2) == n && g.size(3) == c,
                    "chunk_state: g ", g.sizes(), " must be [B, H, N, C]");
    }
    if (s0_in.has_value() && s0_in->defined()) {
        s0 = checked(*s0_in, "s0", 4, k_in);
        require(s0.size(0) == b && s0.size(1) == h && s0.size(2) == dk && s0.size(3) == dv,
                    "chunk_state: s0 ", s0.sizes(), " must be [B, H, dk, dv]");
    }
    c10::cuda::CUDAGuard guard(k.device());
    at::Tensor starts = at::empty({b, h, n, dk, dv}, k.options());
    at::Tensor v_new = at::empty({b, h, n, c, dv}, k.options());
    at::Tensor last = at::empty({b, h, dk, dv}, k.options());
    ChunkStateArgs a{k.data_ptr<float>(), w.data_ptr<float>(), u.data_ptr<float>(),
                     g.defined() ? g.data_ptr<float>() : nullptr, s0.defined() ? s0.data_ptr<float>() : nullptr,
                     starts.data_ptr<float>(), v_new.data_ptr<float>(), last.data_ptr<float>(),
                     (int)(b * h), (int)n, (int)c, (int)dk, (int)dv};
    const char* err = launch_chunk_state(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, "chunk_state: launch failed: ", err);
    return std::make_tuple(starts, v_new, last);
}

}  // namespace deltaeval

TORCH_LIBRARY(deltaeval, m) {
    m.def("chunk_state(Tensor k, Tensor w, Tensor u, Tensor? g, Tensor? s0) -> (Tensor, Tensor, Tensor)",
          &deltaeval::chunk_state);
}
