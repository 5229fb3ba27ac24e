#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include "../cuda/short_conv.h"
#include "checks.h"
#include "ops.h"

namespace deltaeval {

at::Tensor short_conv(const at::Tensor& x_in, const std::optional<at::Tensor>& history_in, const at::Tensor& weight_in,
                      const std::optional<at::Tensor>& bias_in, bool silu) {
    constexpr const char* op = "short_conv";
    require(x_in.defined() && x_in.is_cuda(), op, ": x must be a CUDA tensor");
    require(x_in.scalar_type() == at::kHalf || x_in.scalar_type() == at::kFloat, op,
            ": x must be float16 or float32, got ", x_in.scalar_type());
    require(x_in.dim() == 3, op, ": x must be [B, T, C], got ", x_in.sizes());
    // a column slice of the fused projection is read in place: unit stride along C, rows evenly spaced
    const bool rows_ok = x_in.stride(2) == 1 && x_in.stride(0) == x_in.stride(1) * x_in.size(1);
    at::Tensor x = rows_ok ? x_in : x_in.contiguous();
    const int64_t b = x.size(0), t = x.size(1), c = x.size(2);
    require(weight_in.defined() && weight_in.dim() == 2 && weight_in.size(0) == c, op, ": weight ",
            weight_in.sizes(), " must be [C, W] with C = ", c);
    require(weight_in.device() == x.device(), op, ": weight is on ", weight_in.device(), ", x on ", x.device());
    const int64_t w = weight_in.size(1);
    const char* why = short_conv_unsupported((int)w);
    require(why == nullptr, op, ": ", why, " (W ", w, ")");
    at::Tensor weight = weight_in.to(at::kFloat).contiguous();
    at::Tensor history, bias;
    if (history_in.has_value() && history_in->defined()) {
        require(history_in->scalar_type() == x.scalar_type(), op, ": history is ", history_in->scalar_type(),
                ", x ", x.scalar_type());
        require(history_in->dim() == 3 && history_in->size(0) == b && history_in->size(1) == w - 1 &&
                    history_in->size(2) == c, op, ": history ", history_in->sizes(), " must be [B, W - 1, C] = [",
                b, ", ", w - 1, ", ", c, "]");
        require(history_in->device() == x.device(), op, ": history is on ", history_in->device(), ", x on ", x.device());
        history = history_in->contiguous();
    }
    if (bias_in.has_value() && bias_in->defined()) {
        require(bias_in->dim() == 1 && bias_in->size(0) == c, op, ": bias ", bias_in->sizes(), " must be [C]");
        require(bias_in->device() == x.device(), op, ": bias is on ", bias_in->device(), ", x on ", x.device());
        bias = bias_in->to(at::kFloat).contiguous();
    }
    c10::cuda::CUDAGuard guard(x.device());
    at::Tensor y = at::empty({b, t, c}, x.options());
    ShortConvArgs a{x.data_ptr(), history.defined() ? history.data_ptr() : nullptr, weight.data_ptr<float>(),
                    bias.defined() ? bias.data_ptr<float>() : nullptr, y.data_ptr(), b, t, x.stride(1), (int)c, (int)w, silu,
                    x.scalar_type() == at::kHalf};
    const char* err = launch_short_conv(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return y;
}

}  // namespace deltaeval
