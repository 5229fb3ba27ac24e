package dev.deltaeval.cli;

import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.runtime.ComputeOptions;
import picocli.CommandLine.Option;

/** --device, --dtype, --kernels and --chunk, shared by every command that runs a model. */
public final class ComputeMixin {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu|gpu:K",
            description = {"Where to run (default: ${DEFAULT-VALUE}: the first CUDA GPU, else the CPU; said on stderr "
                    + "at start). cuda and cuda:K are synonyms of gpu. A GPU needs a CUDA libtorch DJL can load: "
                    + "PYTORCH_LIBRARY_PATH, python3's torch 2.7.1 (or one with a JNI built for it), or "
                    + "DJL_OFFLINE=false to download (README: Running on a GPU)."})
    String device;

    @Option(names = "--dtype", defaultValue = "auto", paramLabel = "auto|fp32|fp16",
            description = {"Precision of the dense projections (default: ${DEFAULT-VALUE}: fp16 on a GPU for models "
                    + "of 100M parameters or more, where it is 1.5-1.9x faster, else fp32). fp16 moved per-request log-likelihoods of the trained demo by at most 0.10 nats and "
                    + "changed 1 argmax in 3300 documents; use fp32 for bit-level comparisons. The recurrence always "
                    + "runs in fp32. BF16 checkpoints are widened on load."})
    String dtype;

    @Option(names = "--kernels", defaultValue = "auto", paramLabel = "auto|native|djl|NAME[,NAME...]",
            description = {"Which kernels run the model's recurrence (default: ${DEFAULT-VALUE}: the fastest installed "
                    + "for the device and dtype; said on stderr at start). A family name (native, djl) or kernel names "
                    + "(native-chunked, djl-chunked, djl-chunked-doubling, djl-recurrent) put those first and are an "
                    + "error where they cannot run; the automatic choice stays behind them for shapes they do not take. "
                    + "native: DeltaEval's own GPU kernels, built once per host by `deltaeval gpu setup`; `deltaeval gpu "
                    + "check` says whether they can run there (docs/gpu.md)."})
    String kernels;

    @Option(names = "--chunk", defaultValue = "64", paramLabel = "N",
            description = "Chunk length of the WY kernel in Householder sub-steps (default: ${DEFAULT-VALUE}, as fla).")
    int chunk;

    /** The options as given, for a job spec. */
    public ComputeRequest request() {
        return new ComputeRequest(device, dtype, kernels, chunk);
    }

    /** @param models the checkpoints to run: {@code --dtype auto} follows the largest */
    public ComputeOptions options(ModelCheckpoint... models) {
        return Compute.resolve(request(), models);
    }

    /** The kernel line of the model loaded last in this process, for provenance ("" before any). */
    public static String kernelsInUse() {
        return Compute.kernelsInUse();
    }

    /** Loads the model and says on stderr which kernels run it (again only when that changes). */
    public static LanguageModel load(ModelCheckpoint ckpt, ComputeOptions options) {
        return Compute.load(ckpt, options);
    }
}
