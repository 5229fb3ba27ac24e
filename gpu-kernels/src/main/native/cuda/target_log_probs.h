// Scoring (gpu-native.md: the head's log-softmax and gather) over raw device pointers, no torch headers: per row of
// logits, the log-probability of its target token and the row's argmax, in one read of the logits in their own
// dtype, where the DJL path cast them to fp32 (a copy), wrote a full log-softmax (another) and read it twice more.
#pragma once
#include <cuda_runtime.h>

namespace deltaeval {

// logits [rows, vocab] fp16 or fp32 (rows `row` elements apart), targets [rows] int64 in [0, vocab):
//   log_prob[r] = logits[r, target] - (m + log(sum_v exp(logits[r, v] - m))), m = max_v logits[r, v]   (fp32)
//   argmax[r]   = the first v with logits[r, v] = m                                                    (int64)
// A row holding a NaN gets a NaN log-probability (the caller reports it); a target outside the vocabulary gets NaN.
struct TargetLogProbsArgs {
    const void* logits;
    const long long* targets;
    float* log_prob;
    long long* argmax;
    long long rows;
    long long row;
    int vocab;
    bool half;
};

const char* launch_target_log_probs(const TargetLogProbsArgs& a, cudaStream_t stream);

}  // namespace deltaeval
