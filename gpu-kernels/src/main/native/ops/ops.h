// ATen-level entry points: checks, allocation on the caching allocator, the current stream. Shared by the C
// bridge (Java) and the torch.ops registration (the GPU host's Python checks call the very same functions).
#pragma once
#include <ATen/ATen.h>
#include <optional>
#include <tuple>

namespace deltaeval {

std::tuple<at::Tensor, at::Tensor, at::Tensor> chunk_state(const at::Tensor& k, const at::Tensor& w,
                                                           const at::Tensor& u, const std::optional<at::Tensor>& g,
                                                           const std::optional<at::Tensor>& s0);

}  // namespace deltaeval
