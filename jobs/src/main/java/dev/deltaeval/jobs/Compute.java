package dev.deltaeval.jobs;

import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.Precision;
import dev.deltaeval.runtime.engine.DeviceRequest;
import dev.deltaeval.runtime.engine.Engines;
import java.util.Arrays;

/**
 * Resolves a job's compute request (device, dtype, kernels) and loads models, saying on stderr what was chosen:
 * the device line once per resolution, the kernel line whenever it changes.
 */
public final class Compute {
    private static String lastKernelLine;

    private Compute() {
    }

    /** @param models the checkpoints to run: dtype auto follows the largest */
    public static ComputeOptions resolve(ComputeRequest request, ModelCheckpoint... models) {
        Engines.Resolved r = Engines.resolveRequest(DeviceRequest.parse(request.device()));
        long largest = models.length == 0 ? -1 : Arrays.stream(models).mapToLong(ModelCheckpoint::parameterCount)
                .max().getAsLong();
        Precision p = Precision.resolve(request.dtype(), r.device(), largest);
        ComputeOptions options = new ComputeOptions(r.device(), p, request.chunk(), request.kernels());
        System.err.println("deltaeval: device " + r.description() + ", dtype " + p.label());
        return options;
    }

    /** The kernel line of the model loaded last in this process, for provenance ("" before any). */
    public static synchronized String kernelsInUse() {
        return lastKernelLine == null ? "" : lastKernelLine;
    }

    /** Loads the model and says on stderr which kernels run it (again only when that changes). */
    public static LanguageModel load(ModelCheckpoint ckpt, ComputeOptions options) {
        LanguageModel model = ckpt.load(options);
        String line = model.kernelSummary();
        synchronized (Compute.class) {
            if (!line.isEmpty() && !line.equals(lastKernelLine)) {
                System.err.println("deltaeval: kernels " + line);
                lastKernelLine = line;
            }
        }
        return model;
    }
}
