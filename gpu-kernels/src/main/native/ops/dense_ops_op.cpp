#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include <vector>

#include "../cuda/dense_ops.h"
#include "checks.h"
#include "ops.h"

namespace deltaeval {
namespace {

void require_half_or_float(const char* op, const at::Tensor& t, const char* name) {
    require(t.defined() && t.is_cuda(), op, ": ", name, " must be a CUDA tensor");
    require(t.scalar_type() == at::kHalf || t.scalar_type() == at::kFloat, op, ": ", name,
            " must be float16 or float32, got ", t.scalar_type());
}

// t as rows of its last dimension: contiguous, or a [B, T, C] column slice (unit stride along C, rows evenly spaced)
// read in place; anything else copied once. Sets `row` to the elements from one row to the next.
at::Tensor as_rows(const at::Tensor& t, int64_t& row) {
    if (t.is_contiguous()) {
        row = t.size(-1);
        return t;
    }
    if (t.dim() == 3 && t.stride(2) == 1 && t.stride(0) == t.stride(1) * t.size(1)) {
        row = t.stride(1);
        return t;
    }
    row = t.size(-1);
    return t.contiguous();
}

at::Tensor weight_of(const char* op, const at::Tensor& w, int64_t dim, const at::Tensor& like) {
    require(w.defined() && w.is_cuda() && w.device() == like.device(), op, ": weight must be on ", like.device());
    require(w.numel() == dim, op, ": weight ", w.sizes(), " must hold ", dim, " values");
    return w.to(at::kFloat).contiguous();
}

}  // namespace

std::tuple<at::Tensor, at::Tensor> rms_norm(const at::Tensor& x_in, const std::optional<at::Tensor>& residual_in,
                                            const at::Tensor& weight_in, double eps) {
    constexpr const char* op = "rms_norm";
    require_half_or_float(op, x_in, "x");
    require(x_in.dim() >= 1 && x_in.size(-1) > 0, op, ": x ", x_in.sizes(), " has no last dimension to normalise");
    int64_t x_row = 0, res_row = 0;
    at::Tensor x = as_rows(x_in, x_row);
    const int64_t dim = x.size(-1), rows = x.numel() / dim;
    at::Tensor residual;
    if (residual_in.has_value() && residual_in->defined()) {
        require(residual_in->sizes() == x.sizes(), op, ": residual ", residual_in->sizes(), " and x ", x.sizes(),
                " differ");
        require(residual_in->scalar_type() == x.scalar_type() && residual_in->device() == x.device(), op,
                ": residual must be ", x.scalar_type(), " on ", x.device());
        residual = as_rows(*residual_in, res_row);
    }
    at::Tensor weight = weight_of(op, weight_in, dim, x);
    c10::cuda::CUDAGuard guard(x.device());
    at::Tensor y = at::empty(x.sizes(), x.options());
    at::Tensor sum = residual.defined() ? at::empty(x.sizes(), y.options()) : at::empty({0}, y.options());
    RmsNormArgs a{x.data_ptr(), residual.defined() ? residual.data_ptr() : nullptr, weight.data_ptr<float>(),
                  residual.defined() ? sum.data_ptr() : nullptr, y.data_ptr(), rows, x_row, res_row, (int)dim,
                  (float)eps, x.scalar_type() == at::kHalf};
    const char* err = launch_rms_norm(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return std::make_tuple(sum, y);
}

at::Tensor swiglu(const at::Tensor& gu_in) {
    constexpr const char* op = "swiglu";
    require_half_or_float(op, gu_in, "gate_up");
    require(gu_in.dim() >= 1 && gu_in.size(-1) % 2 == 0 && gu_in.size(-1) > 0, op, ": gate_up ", gu_in.sizes(),
            " must end in an even width (gate then up)");
    int64_t row = 0;
    at::Tensor gu = as_rows(gu_in, row);
    const int64_t inter = gu.size(-1) / 2, rows = gu.numel() / gu.size(-1);
    std::vector<int64_t> shape(gu.sizes().begin(), gu.sizes().end());
    shape.back() = inter;
    c10::cuda::CUDAGuard guard(gu.device());
    at::Tensor y = at::empty(shape, gu.options());
    SwiGluArgs a{gu.data_ptr(), y.data_ptr(), rows, row, (int)inter, gu.scalar_type() == at::kHalf};
    const char* err = launch_swiglu(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return y;
}

at::Tensor head_norm(const at::Tensor& o_in, const at::Tensor& weight_in, const std::optional<at::Tensor>& gate_in,
                     double eps, bool half) {
    constexpr const char* op = "head_norm";
    require(o_in.defined() && o_in.is_cuda() && o_in.scalar_type() == at::kFloat, op,
            ": o must be a float32 CUDA tensor");
    require(o_in.dim() == 4, op, ": o must be [B, H, T, dv], got ", o_in.sizes());
    at::Tensor o = o_in.stride(3) == 1 ? o_in : o_in.contiguous();
    const int64_t b = o.size(0), h = o.size(1), t = o.size(2), dv = o.size(3);
    at::Tensor weight = weight_of(op, weight_in, dv, o);
    const auto out_type = half ? at::kHalf : at::kFloat;
    at::Tensor gate;
    int64_t gate_row = 0;
    if (gate_in.has_value() && gate_in->defined()) {
        require(gate_in->scalar_type() == out_type && gate_in->device() == o.device(), op, ": gate must be ", out_type,
                " on ", o.device());
        require(gate_in->dim() == 3 && gate_in->size(0) == b && gate_in->size(1) == t && gate_in->size(2) == h * dv,
                op, ": gate ", gate_in->sizes(), " must be [", b, ", ", t, ", ", h * dv, "]");
        gate = as_rows(*gate_in, gate_row);
    }
    c10::cuda::CUDAGuard guard(o.device());
    at::Tensor y = at::empty({b, t, h * dv}, o.options().dtype(out_type));
    HeadNormArgs a{o.data_ptr<float>(), weight.data_ptr<float>(), gate.defined() ? gate.data_ptr() : nullptr,
                   y.data_ptr(), b, t, o.stride(0), o.stride(1), o.stride(2), gate_row, (int)h, (int)dv, (float)eps,
                   half};
    const char* err = launch_head_norm(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return y;
}

}  // namespace deltaeval
