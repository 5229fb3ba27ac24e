package dev.deltaeval.cli;

import dev.deltaeval.core.ComputeOptions;
import dev.deltaeval.core.Engines;
import dev.deltaeval.core.Precision;
import picocli.CommandLine.Option;

/** --device, --dtype and --chunk, shared by every command that runs a model. */
public final class ComputeMixin {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu|gpu:K",
            description = "Where to run (default: ${DEFAULT-VALUE}). GPUs need DJL's CUDA build of libtorch 2.7.1 "
                    + "(PYTORCH_LIBRARY_PATH, or PYTORCH_FLAVOR with network access).")
    String device;

    @Option(names = "--dtype", defaultValue = "fp32", paramLabel = "fp32|fp16",
            description = "Dense-projection precision (default: ${DEFAULT-VALUE}); fp16 on GPU only. The recurrence "
                    + "always runs in fp32. BF16 checkpoints are widened to fp32 on load.")
    String dtype;

    @Option(names = "--chunk", defaultValue = "64", paramLabel = "N",
            description = "Chunk length of the WY kernel in Householder sub-steps (default: ${DEFAULT-VALUE}, as fla).")
    int chunk;

    public ComputeOptions options() {
        Precision p = Precision.parse(dtype);
        return new ComputeOptions(Engines.resolve(device), p, chunk);
    }
}
