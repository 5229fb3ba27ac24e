// One block per (chunk, head, sequence): each warp normalises whole rows (a query, a key or a value of dk / dv
// elements, at most 8 a lane, summed across the warp with shuffles), then the block writes the chunk's step sizes
// and decays, the decays' running sum taken in shared memory. Reads the projections once (fp16 at 8 x 4096:
// ~335 MB a layer), writes the fp32 chunk layout once (~670 MB).
#include "chunk_inputs.h"

#include "elements.cuh"

namespace deltaeval {
namespace {

constexpr int kThreads = 256;
constexpr int kPerLane = kChunkInputsMaxD / 32;

// torch.nn.functional.softplus with beta 1, threshold 20 (DJL's softPlus)
__device__ __forceinline__ float softplus(float x) {
    return x > 20.f ? x : log1pf(expf(x));
}

template <typename T>
__global__ void __launch_bounds__(kThreads) chunk_inputs_kernel(ChunkInputsArgs a) {
    const int chunk = blockIdx.x;
    const int h = blockIdx.y;
    const long long b = blockIdx.z;
    const int n = a.n, ct = a.ct, c = ct * n;
    const long long bhn = (b * a.heads + h) * a.chunks + chunk;  // this chunk's index in [B, H, N]
    const long long t0 = (long long)chunk * ct;
    const long long key_dim = (long long)a.heads * a.dk;
    const T* qkv = static_cast<const T*>(a.qkv);
    const int lane = threadIdx.x & 31;
    const int warps = kThreads / 32;

    // rows 0..ct-1 the queries, then c keys, then c values
    for (int r = threadIdx.x / 32; r < ct + 2 * c; r += warps) {
        long long t, col;
        int d;
        float* out;
        float scale = 1.f;
        bool normalise = true;
        if (r < ct) {
            t = t0 + r;
            col = (long long)h * a.dk;
            d = a.dk;
            out = a.q + (bhn * ct + r) * a.dk;
            scale = a.q_scale;
        } else if (r < ct + c) {
            const int s = r - ct;
            t = t0 + s / n;
            col = key_dim + (long long)(s % n) * key_dim + (long long)h * a.dk;
            d = a.dk;
            out = a.k + (bhn * c + s) * a.dk;
        } else {
            const int s = r - ct - c;
            t = t0 + s / n;
            col = key_dim * (n + 1) + ((long long)(s % n) * a.heads + h) * a.dv;
            d = a.dv;
            out = a.v + (bhn * c + s) * a.dv;
            normalise = false;
        }
        const bool real = t < a.tokens;
        const long long base = (b * a.tokens + t) * a.qkv_row + col;
        float x[kPerLane];
        float squares = 0.f;
#pragma unroll
        for (int i = 0; i < kPerLane; ++i) {
            const int e = lane + 32 * i;
            x[i] = 0.f;
            if (real && e < d) {
                x[i] = load<T>(qkv, base + e);
                if (a.silu) x[i] = silu(x[i]);
            }
            squares += x[i] * x[i];
        }
        float factor = 1.f;
        if (normalise) {
#pragma unroll
            for (int off = 16; off > 0; off >>= 1) squares += __shfl_xor_sync(0xffffffffu, squares, off);
            factor = scale / sqrtf(squares + 1e-6f);
        }
#pragma unroll
        for (int i = 0; i < kPerLane; ++i) {
            const int e = lane + 32 * i;
            if (e < d) out[e] = x[i] * factor;
        }
    }

    const T* beta_raw = static_cast<const T*>(a.beta_raw);
    for (int s = threadIdx.x; s < c; s += kThreads) {
        const long long t = t0 + s / n;
        float beta = 0.f;
        if (t < a.tokens) {
            beta = 1.f;
            if (beta_raw != nullptr) {
                const float z = load<T>(beta_raw, (b * a.tokens + t) * a.beta_row + (long long)(s % n) * a.heads + h);
                beta = a.beta_scale / (1.f + expf(-z));
            }
            if (a.mask != nullptr) beta *= __ldg(a.mask + b * a.tokens + t);
        }
        a.beta[bhn * c + s] = beta;
    }

    if (a.a_raw == nullptr) return;
    __shared__ float g[kChunkInputsMaxC];
    const T* a_raw = static_cast<const T*>(a.a_raw);
    for (int i = threadIdx.x; i < ct; i += kThreads) {
        const long long t = t0 + i;
        float decay = 0.f;
        if (t < a.tokens) {
            const float z = load<T>(a_raw, (b * a.tokens + t) * a.a_row + h) +
                            (a.dt_bias != nullptr ? __ldg(a.dt_bias + h) : 0.f);
            decay = softplus(z) * __ldg(a.neg_exp_a + h);
            if (a.mask != nullptr) decay *= __ldg(a.mask + b * a.tokens + t);
        }
        g[i] = decay;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int i = 1; i < ct; ++i) g[i] += g[i - 1];  // at most 64 adds, in order
    }
    __syncthreads();
    for (int i = threadIdx.x; i < ct; i += kThreads) a.g_tok[bhn * ct + i] = g[i];
    for (int s = threadIdx.x; s < c; s += kThreads) a.g_sub[bhn * c + s] = g[s / n];
}

}  // namespace

const char* chunk_inputs_unsupported(int ct, int n, int dk, int dv) {
    if (n < 1 || ct < 1 || ct * n > kChunkInputsMaxC) return "chunk length outside 1..64 sub-steps";
    if (dk < 1 || dk > kChunkInputsMaxD || dv < 1 || dv > kChunkInputsMaxD) return "head dims outside 1..256";
    return nullptr;
}

const char* launch_chunk_inputs(const ChunkInputsArgs& a, cudaStream_t stream) {
    const char* why = chunk_inputs_unsupported(a.ct, a.n, a.dk, a.dv);
    if (why != nullptr) return why;
    if (a.a_raw != nullptr && (a.neg_exp_a == nullptr || a.g_tok == nullptr || a.g_sub == nullptr)) {
        return "a gated layer needs neg_exp_a and the decay outputs";
    }
    if (a.batch == 0 || a.chunks == 0) return nullptr;
    if (a.chunks > 2147483647LL || a.heads > 65535 || a.batch > 65535) return "grid too large (chunks, heads, batch)";
    dim3 grid((unsigned)a.chunks, (unsigned)a.heads, (unsigned)a.batch);
    if (a.half) {
        chunk_inputs_kernel<__half><<<grid, kThreads, 0, stream>>>(a);
    } else {
        chunk_inputs_kernel<float><<<grid, kThreads, 0, stream>>>(a);
    }
    cudaError_t err = cudaGetLastError();
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace deltaeval
