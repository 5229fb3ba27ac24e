package dev.deltaeval.core;

import ai.djl.Device;
import dev.deltaeval.core.kernels.UtInverse;

/**
 * Where and how a model runs.
 *
 * @param device        DJL device (cpu or gpu:K)
 * @param precision     dtype of the dense projections
 * @param chunkSubsteps chunk length of the WY kernel in Householder sub-steps (fla uses 64)
 * @param inverse       how the chunked kernel inverts the UT transform (batched matmuls on a GPU, fp64 LU on a CPU)
 */
public record ComputeOptions(Device device, Precision precision, int chunkSubsteps, UtInverse inverse) {
    public static final int DEFAULT_CHUNK = 64;

    public ComputeOptions {
        if (precision == Precision.FP16 && !device.isGpu()) {
            throw new ModelException("--dtype fp16 needs a GPU: fp16 matmul on CPU is about 160x slower than fp32; "
                    + "use --dtype fp32 on CPU");
        }
        if (chunkSubsteps < 1) {
            throw new ModelException("chunk size must be positive, got " + chunkSubsteps);
        }
    }

    /**
     * The inverse that runs fastest on the device: matmuls on a GPU, where LU is a chain of tiny kernels (checked
     * in fp64 for fp32 models, in fp32 for fp16 ones).
     */
    public ComputeOptions(Device device, Precision precision, int chunkSubsteps) {
        this(device, precision, chunkSubsteps, !device.isGpu() ? UtInverse.LU_FP64
                : precision == Precision.FP16 ? UtInverse.DOUBLING_FP32 : UtInverse.DOUBLING);
    }

    public static ComputeOptions cpu() {
        return new ComputeOptions(Device.cpu(), Precision.FP32, DEFAULT_CHUNK);
    }

    /** The device as the command line names it ("cpu", "gpu:0"), not DJL's "cpu()" / "gpu(0)". */
    public String deviceLabel() {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }

    public ComputeOptions withChunk(int substeps) {
        return new ComputeOptions(device, precision, substeps, inverse);
    }
}
