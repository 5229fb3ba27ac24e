package dev.deltaeval.runtime;

import ai.djl.Device;
import dev.deltaeval.common.DeltaEvalException;

/**
 * Where and how a model runs.
 *
 * @param device        DJL device (cpu or gpu:K)
 * @param precision     dtype of the dense projections
 * @param chunkSubsteps chunk length of chunked kernels in recurrence steps (fla uses 64)
 * @param kernels       which kernels a family may use for its core ("auto", a family of kernels such as "djl",
 *                      or kernel names separated by commas); the family resolves it when it loads a model
 */
public record ComputeOptions(Device device, Precision precision, int chunkSubsteps, String kernels) {
    public static final int DEFAULT_CHUNK = 64;
    public static final String AUTO_KERNELS = "auto";

    public ComputeOptions {
        if (precision == Precision.FP16 && !device.isGpu()) {
            throw new ModelException(DeltaEvalException.setting("dtype") + " fp16 needs a GPU: fp16 matmul on CPU is about 160x slower than fp32; "
                    + "use " + DeltaEvalException.setting("dtype") + " fp32 on CPU");
        }
        if (chunkSubsteps < 1) {
            throw new ModelException("chunk size must be positive, got " + chunkSubsteps);
        }
        if (kernels == null || kernels.isBlank()) {
            throw new ModelException("kernel choice is empty (expected auto, a kernel family or kernel names)");
        }
    }

    /** The kernels that run fastest where the model runs. */
    public ComputeOptions(Device device, Precision precision, int chunkSubsteps) {
        this(device, precision, chunkSubsteps, AUTO_KERNELS);
    }

    public static ComputeOptions cpu() {
        return new ComputeOptions(Device.cpu(), Precision.FP32, DEFAULT_CHUNK);
    }

    /** The device as the command line names it ("cpu", "gpu:0"), not DJL's "cpu()" / "gpu(0)". */
    public String deviceLabel() {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }

    public ComputeOptions withChunk(int substeps) {
        return new ComputeOptions(device, precision, substeps, kernels);
    }

    public ComputeOptions withKernels(String choice) {
        return new ComputeOptions(device, precision, chunkSubsteps, choice);
    }
}
