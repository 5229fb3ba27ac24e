// Argument checks shared by the ATen entry points: every failure is one line naming the op, the tensor and what
// was expected.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace deltaeval {

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

// fp32, CUDA, on `like`'s device, of the given rank; a contiguous copy only if the caller passed a strided view or
// one not on a 16-byte boundary.
inline at::Tensor checked(const char* op, const at::Tensor& t, const char* name, int64_t dims, const at::Tensor& like) {
    require(t.defined(), op, ": ", name, " is missing");
    require(t.is_cuda(), op, ": ", name, " must be a CUDA tensor");
    require(t.scalar_type() == at::kFloat, op, ": ", name, " must be float32, got ", t.scalar_type());
    require(t.dim() == dims, op, ": ", name, " must have ", dims, " dimensions, got ", t.sizes());
    require(t.device() == like.device(), op, ": ", name, " is on ", t.device(), ", the first input on ", like.device());
    at::Tensor c = t.contiguous();
    // the kernels read rows as float4: a view that starts inside an allocation gets an aligned copy
    if (reinterpret_cast<uintptr_t>(c.data_ptr()) % 16 != 0) c = c.clone();
    return c;
}

// The optional tensor, checked, or an undefined tensor when absent.
inline at::Tensor checked_optional(const char* op, const std::optional<at::Tensor>& t, const char* name, int64_t dims,
                                   const at::Tensor& like) {
    if (!t.has_value() || !t->defined()) return at::Tensor();
    return checked(op, *t, name, dims, like);
}

// The first `count` sizes of t equal those of `like` (the [B, H, N, ...] prefix every chunked tensor shares).
inline void require_prefix(const char* op, const at::Tensor& t, const char* name, const at::Tensor& like,
                           const char* like_name, int count) {
    for (int i = 0; i < count; ++i) {
        require(t.size(i) == like.size(i), op, ": ", name, " ", t.sizes(), " and ", like_name, " ", like.sizes(),
                " differ in dimension ", i);
    }
}

inline float* ptr(at::Tensor& t) {
    return t.defined() ? t.data_ptr<float>() : nullptr;
}

}  // namespace deltaeval
