#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include "../cuda/chunk_inputs.h"
#include "checks.h"
#include "ops.h"

namespace deltaeval {
namespace {

// [B, T, C] in `like`'s dtype and device with unit stride along C and rows evenly spaced (a column slice of the
// fused projection qualifies as it is); anything else is copied once.
at::Tensor rows(const char* op, const at::Tensor& t, const char* name, const at::Tensor& like, int64_t min_columns) {
    require(t.defined() && t.is_cuda(), op, ": ", name, " must be a CUDA tensor");
    require(t.scalar_type() == like.scalar_type(), op, ": ", name, " is ", t.scalar_type(), ", qkv ", like.scalar_type());
    require(t.device() == like.device(), op, ": ", name, " is on ", t.device(), ", qkv on ", like.device());
    require(t.dim() == 3 && t.size(0) == like.size(0) && t.size(1) == like.size(1) && t.size(2) >= min_columns, op,
            ": ", name, " ", t.sizes(), " must be [", like.size(0), ", ", like.size(1), ", >= ", min_columns, "]");
    const bool ok = t.stride(2) == 1 && t.stride(0) == t.stride(1) * t.size(1);
    return ok ? t : t.contiguous();
}

at::Tensor per_head(const char* op, const std::optional<at::Tensor>& t, const char* name, int64_t heads,
                    const at::Tensor& like) {
    if (!t.has_value() || !t->defined()) return at::Tensor();
    require(t->is_cuda() && t->device() == like.device(), op, ": ", name, " must be on ", like.device());
    require(t->numel() == heads, op, ": ", name, " ", t->sizes(), " must hold one value a head (", heads, ")");
    return t->to(at::kFloat).contiguous();
}

}  // namespace

std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor, at::Tensor, at::Tensor> chunk_inputs(
    const at::Tensor& qkv_in, const std::optional<at::Tensor>& beta_in, const std::optional<at::Tensor>& a_in,
    const std::optional<at::Tensor>& dt_bias_in, const std::optional<at::Tensor>& neg_exp_a_in,
    const std::optional<at::Tensor>& mask_in, int64_t heads, int64_t dk, int64_t dv, int64_t n, int64_t ct,
    double q_scale, bool neg_eigval, bool silu) {
    constexpr const char* op = "chunk_inputs";
    require(qkv_in.defined() && qkv_in.is_cuda(), op, ": qkv must be a CUDA tensor");
    require(qkv_in.scalar_type() == at::kHalf || qkv_in.scalar_type() == at::kFloat, op,
            ": qkv must be float16 or float32, got ", qkv_in.scalar_type());
    require(qkv_in.dim() == 3, op, ": qkv must be [B, T, C], got ", qkv_in.sizes());
    require(heads >= 1 && n >= 1 && ct >= 1, op, ": heads, n and ct must be positive (", heads, ", ", n, ", ", ct, ")");
    const char* why = chunk_inputs_unsupported((int)ct, (int)n, (int)dk, (int)dv);
    require(why == nullptr, op, ": ", why, " (ct ", ct, ", n ", n, ", dk ", dk, ", dv ", dv, ")");
    const int64_t columns = heads * dk * (n + 1) + n * heads * dv;
    at::Tensor qkv = rows(op, qkv_in, "qkv", qkv_in, columns);
    at::Tensor beta_raw, a_raw;
    if (beta_in.has_value() && beta_in->defined()) beta_raw = rows(op, *beta_in, "beta_raw", qkv, n * heads);
    if (a_in.has_value() && a_in->defined()) a_raw = rows(op, *a_in, "a_raw", qkv, heads);
    at::Tensor dt_bias = per_head(op, dt_bias_in, "dt_bias", heads, qkv);
    at::Tensor neg_exp_a = per_head(op, neg_exp_a_in, "neg_exp_a", heads, qkv);
    require(!a_raw.defined() || neg_exp_a.defined(), op, ": a gated layer needs neg_exp_a");
    const int64_t b = qkv.size(0), t = qkv.size(1);
    at::Tensor mask;
    if (mask_in.has_value() && mask_in->defined()) {
        require(mask_in->is_cuda() && mask_in->device() == qkv.device(), op, ": mask must be on ", qkv.device());
        require(mask_in->numel() == b * t, op, ": mask ", mask_in->sizes(), " must hold B x T = ", b, " x ", t,
                " values");
        mask = mask_in->to(at::kFloat).contiguous();
    }
    const int64_t chunks = (t + ct - 1) / ct, c = ct * n;
    c10::cuda::CUDAGuard guard(qkv.device());
    auto f32 = qkv.options().dtype(at::kFloat);
    at::Tensor q = at::empty({b, heads, chunks, ct, dk}, f32);
    at::Tensor k = at::empty({b, heads, chunks, c, dk}, f32);
    at::Tensor v = at::empty({b, heads, chunks, c, dv}, f32);
    at::Tensor beta = at::empty({b, heads, chunks, c}, f32);
    const bool gated = a_raw.defined();
    at::Tensor g_tok = gated ? at::empty({b, heads, chunks, ct}, f32) : at::empty({0}, f32);
    at::Tensor g_sub = gated ? at::empty({b, heads, chunks, c}, f32) : at::empty({0}, f32);
    ChunkInputsArgs a{qkv.data_ptr(), beta_raw.defined() ? beta_raw.data_ptr() : nullptr,
                      gated ? a_raw.data_ptr() : nullptr, ptr(dt_bias), ptr(neg_exp_a), ptr(mask),
                      q.data_ptr<float>(), k.data_ptr<float>(), v.data_ptr<float>(), beta.data_ptr<float>(),
                      gated ? g_tok.data_ptr<float>() : nullptr, gated ? g_sub.data_ptr<float>() : nullptr, b, t,
                      chunks, qkv.stride(1), beta_raw.defined() ? beta_raw.stride(1) : 0,
                      gated ? a_raw.stride(1) : 0, (int)heads, (int)dk, (int)dv, (int)n, (int)ct, (float)q_scale,
                      neg_eigval ? 2.f : 1.f, silu, qkv.scalar_type() == at::kHalf};
    const char* err = launch_chunk_inputs(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return std::make_tuple(q, k, v, beta, g_tok, g_sub);
}

}  // namespace deltaeval
