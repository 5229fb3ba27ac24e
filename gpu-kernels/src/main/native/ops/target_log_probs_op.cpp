#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include <vector>

#include "../cuda/target_log_probs.h"
#include "checks.h"
#include "ops.h"

namespace deltaeval {

std::tuple<at::Tensor, at::Tensor> target_log_probs(const at::Tensor& logits_in, const at::Tensor& targets_in) {
    constexpr const char* op = "target_log_probs";
    require(logits_in.defined() && logits_in.is_cuda(), op, ": logits must be a CUDA tensor");
    require(logits_in.scalar_type() == at::kHalf || logits_in.scalar_type() == at::kFloat, op,
            ": logits must be float16 or float32, got ", logits_in.scalar_type());
    require(logits_in.dim() >= 2 && logits_in.size(-1) > 0, op, ": logits ", logits_in.sizes(),
            " must be [..., vocab]");
    at::Tensor logits = logits_in.contiguous();
    const int64_t vocab = logits.size(-1), rows = logits.numel() / vocab;
    require(targets_in.defined() && targets_in.device() == logits.device() && targets_in.scalar_type() == at::kLong,
            op, ": targets must be int64 on ", logits.device());
    require(targets_in.numel() == rows, op, ": targets ", targets_in.sizes(), " must hold one id per logits row (",
            rows, ")");
    at::Tensor targets = targets_in.contiguous();
    std::vector<int64_t> shape(logits.sizes().begin(), logits.sizes().end() - 1);
    c10::cuda::CUDAGuard guard(logits.device());
    at::Tensor log_prob = at::empty(shape, logits.options().dtype(at::kFloat));
    at::Tensor argmax = at::empty(shape, logits.options().dtype(at::kLong));
    TargetLogProbsArgs a{logits.data_ptr(), reinterpret_cast<const long long*>(targets.data_ptr<int64_t>()),
                         log_prob.data_ptr<float>(), reinterpret_cast<long long*>(argmax.data_ptr<int64_t>()), rows,
                         vocab, (int)vocab, logits.scalar_type() == at::kHalf};
    const char* err = launch_target_log_probs(a, at::cuda::getCurrentCUDAStream().stream());
    require(err == nullptr, op, ": launch failed: ", err);
    return std::make_tuple(log_prob, argmax);
}

}  // namespace deltaeval
