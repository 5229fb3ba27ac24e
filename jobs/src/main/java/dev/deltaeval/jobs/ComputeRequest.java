package dev.deltaeval.jobs;

/**
 * Where and how a job asks to run, as the user gave it: resolved into {@link dev.deltaeval.runtime.ComputeOptions}
 * by {@link Compute} once the checkpoints are known.
 *
 * @param device  auto, cpu, gpu or gpu:K
 * @param dtype   auto, fp32 or fp16
 * @param kernels auto, a kernel family or kernel names
 * @param chunk   chunk length of chunked kernels in recurrence steps
 */
public record ComputeRequest(String device, String dtype, String kernels, int chunk) {
    public static final ComputeRequest AUTO = new ComputeRequest("auto", "auto", "auto", 64);

    public ComputeRequest {
        device = device == null ? "auto" : device;
        dtype = dtype == null ? "auto" : dtype;
        kernels = kernels == null ? "auto" : kernels;
        chunk = chunk == 0 ? 64 : chunk;
    }
}
