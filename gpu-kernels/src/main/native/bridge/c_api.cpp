// extern "C" over DJL tensor handles (deltaeval_native.h). Exceptions never cross this boundary: they become the
// thread's last error and a return value of 1, which Java turns into one line.
#include <c10/core/GradMode.h>

#include <exception>
#include <stdexcept>
#include <string>

#include "../include/deltaeval_native.h"
#include "../ops/ops.h"

#ifndef DE_TORCH_VERSION
#error "DE_TORCH_VERSION must be defined by the build (the torch version built against)"
#endif

namespace {

thread_local std::string last_error;

const at::Tensor& tensor(int64_t handle) {
    return *reinterpret_cast<const at::Tensor*>(handle);
}

std::optional<at::Tensor> optional_tensor(int64_t handle) {
    if (handle == 0) return std::nullopt;
    return tensor(handle);
}

int64_t owned(at::Tensor t) {
    return reinterpret_cast<int64_t>(new at::Tensor(std::move(t)));
}

template <typename F>
int32_t guarded(F&& f) {
    try {
        c10::NoGradGuard no_grad;  // DJL switches grad mode off only on the thread that started its engine
        last_error.clear();
        f();
        return 0;
    } catch (const c10::Error& e) {
        last_error = e.what_without_backtrace();
    } catch (const std::exception& e) {
        last_error = e.what();
    } catch (...) {
        last_error = "unknown C++ exception";
    }
    return 1;
}

}  // namespace

extern "C" {

int32_t de_abi_version(void) {
    return DE_ABI_VERSION;
}

const char* de_torch_version(void) {
    return DE_TORCH_VERSION;
}

const char* de_last_error(void) {
    return last_error.c_str();
}

int32_t de_probe(int64_t handle, int64_t* numel, int32_t* dtype, int32_t* dims, int32_t* is_cuda) {
    return guarded([&] {
        if (handle == 0) throw std::invalid_argument("de_probe: null handle");
        const at::Tensor& t = tensor(handle);
        *numel = t.numel();
        *dtype = static_cast<int32_t>(t.scalar_type());
        *dims = static_cast<int32_t>(t.dim());
        *is_cuda = t.is_cuda() ? 1 : 0;
    });
}

int32_t de_chunk_state(int64_t k, int64_t w, int64_t u, int64_t g, int64_t s0, int32_t tf32, int64_t* out) {
    return guarded([&] {
        if (k == 0 || w == 0 || u == 0) throw std::invalid_argument("de_chunk_state: k, w and u are required");
        auto [starts, v_new, last] = deltaeval::chunk_state(tensor(k), tensor(w), tensor(u), optional_tensor(g),
                                                            optional_tensor(s0), tf32 != 0);
        out[0] = owned(std::move(starts));
        out[1] = owned(std::move(v_new));
        out[2] = owned(std::move(last));
    });
}

int32_t de_chunk_wy(int64_t k, int64_t v, int64_t beta, int64_t g, int32_t tf32, int64_t* out) {
    return guarded([&] {
        if (k == 0 || v == 0 || beta == 0) throw std::invalid_argument("de_chunk_wy: k, v and beta are required");
        auto [w, u] = deltaeval::chunk_wy(tensor(k), tensor(v), tensor(beta), optional_tensor(g), tf32 != 0);
        out[0] = owned(std::move(w));
        out[1] = owned(std::move(u));
    });
}

int32_t de_chunk_out(int64_t q, int64_t k, int64_t starts, int64_t v_new, int64_t g, int32_t n, int32_t tf32,
                     int64_t* out) {
    return guarded([&] {
        if (q == 0 || k == 0 || starts == 0 || v_new == 0) {
            throw std::invalid_argument("de_chunk_out: q, k, starts and v_new are required");
        }
        out[0] = owned(deltaeval::chunk_out(tensor(q), tensor(k), tensor(starts), tensor(v_new), optional_tensor(g), n,
                                                  tf32 != 0));
    });
}

int32_t de_short_conv(int64_t x, int64_t history, int64_t weight, int64_t bias, int32_t silu, int64_t* out) {
    return guarded([&] {
        if (x == 0 || weight == 0) throw std::invalid_argument("de_short_conv: x and weight are required");
        out[0] = owned(deltaeval::short_conv(tensor(x), optional_tensor(history), tensor(weight), optional_tensor(bias),
                                             silu != 0));
    });
}

int32_t de_chunk_inputs(int64_t qkv, int64_t beta_raw, int64_t a_raw, int64_t dt_bias, int64_t neg_exp_a,
                        int64_t mask, int32_t heads, int32_t dk, int32_t dv, int32_t n, int32_t ct, float q_scale,
                        int32_t neg_eigval, int32_t silu, int64_t* out) {
    return guarded([&] {
        if (qkv == 0) throw std::invalid_argument("de_chunk_inputs: qkv is required");
        auto [q, k, v, beta, g_tok, g_sub] = deltaeval::chunk_inputs(
            tensor(qkv), optional_tensor(beta_raw), optional_tensor(a_raw), optional_tensor(dt_bias),
            optional_tensor(neg_exp_a), optional_tensor(mask), heads, dk, dv, n, ct, q_scale, neg_eigval != 0, silu != 0);
        const bool gated = g_tok.numel() > 0;
        out[0] = owned(std::move(q));
        out[1] = owned(std::move(k));
        out[2] = owned(std::move(v));
        out[3] = owned(std::move(beta));
        out[4] = gated ? owned(std::move(g_tok)) : 0;
        out[5] = gated ? owned(std::move(g_sub)) : 0;
    });
}

int32_t de_rms_norm(int64_t x, int64_t residual, int64_t weight, float eps, int64_t* out) {
    return guarded([&] {
        if (x == 0 || weight == 0) throw std::invalid_argument("de_rms_norm: x and weight are required");
        auto [sum, y] = deltaeval::rms_norm(tensor(x), optional_tensor(residual), tensor(weight), eps);
        out[0] = residual != 0 ? owned(std::move(sum)) : 0;
        out[1] = owned(std::move(y));
    });
}

int32_t de_swiglu(int64_t gate_up, int64_t* out) {
    return guarded([&] {
        if (gate_up == 0) throw std::invalid_argument("de_swiglu: gate_up is required");
        out[0] = owned(deltaeval::swiglu(tensor(gate_up)));
    });
}

int32_t de_head_norm(int64_t o, int64_t weight, int64_t gate, float eps, int32_t half, int64_t* out) {
    return guarded([&] {
        if (o == 0 || weight == 0) throw std::invalid_argument("de_head_norm: o and weight are required");
        out[0] = owned(deltaeval::head_norm(tensor(o), tensor(weight), optional_tensor(gate), eps, half != 0));
    });
}

int32_t de_target_log_probs(int64_t logits, int64_t targets, int64_t* out) {
    return guarded([&] {
        if (logits == 0 || targets == 0) throw std::invalid_argument("de_target_log_probs: logits and targets are required");
        auto [log_prob, argmax] = deltaeval::target_log_probs(tensor(logits), tensor(targets));
        out[0] = owned(std::move(log_prob));
        out[1] = owned(std::move(argmax));
    });
}

int32_t de_recurrent(int64_t q, int64_t k, int64_t v, int64_t beta, int64_t g, int64_t s0, int32_t n, int64_t* out) {
    return guarded([&] {
        if (q == 0 || k == 0 || v == 0 || beta == 0) throw std::invalid_argument("de_recurrent: q, k, v and beta are required");
        auto [o, last] = deltaeval::recurrent(tensor(q), tensor(k), tensor(v), tensor(beta), optional_tensor(g),
                                              optional_tensor(s0), n);
        out[0] = owned(std::move(o));
        out[1] = owned(std::move(last));
    });
}

}  // extern "C"
