package dev.deltaeval.cli;

import dev.deltaeval.gpu.NativeBuild;
import dev.deltaeval.gpu.NativeKernels;
import dev.deltaeval.gpu.NativeLibraryLocator;
import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gpu", mixinStandardHelpOptions = true,
        description = "Prepare this host's GPU for DeltaEval.",
        subcommands = {GpuCommand.Setup.class, GpuCommand.Check.class})
final class GpuCommand extends GroupCommand {

    @Command(name = "setup", mixinStandardHelpOptions = true,
            description = {"Builds DeltaEval's native GPU kernels against python3's torch (cmake, nvcc, a C++ "
                    + "compiler) and installs them where DeltaEval finds them: $DJL_CACHE_DIR/deltaeval/"
                    + "libdeltaeval_native-TORCH.so (~/.djl.ai by default). Once per host and torch version; runs "
                    + "then use them with --kernels native (DJL's kernels back them up for shapes they do not take); "
                    + "--kernels auto keeps DJL's until the native ones are faster everywhere (docs/gpu-performance.md).",
                "DJL's own JNI for that torch must exist too (DJL downloads it, or see docs/gpu.md to build it)."})
    static final class Setup implements Callable<Integer> {
        @Option(names = {"--out", "--output"}, paramLabel = "FILE",
                description = "Where to install the library (default: the place DeltaEval looks; elsewhere, point "
                        + NativeLibraryLocator.ENV + " at it).")
        Path out;

        @Option(names = "--work", paramLabel = "DIR",
                description = "Build folder, kept for faster rebuilds (default: a new temporary folder).")
        Path work;

        @Option(names = "--arch", paramLabel = "LIST",
                description = "CUDA architectures, as TORCH_CUDA_ARCH_LIST takes them (default: the visible GPUs', "
                        + "sm_90a on Hopper), e.g. \"8.0;9.0a\".")
        String arch;

        @Override
        public Integer call() throws Exception {
            Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("deltaeval-native-");
            Path lib = NativeBuild.build(out, dir, arch);
            System.out.println("native kernels installed: " + lib);
            if (out != null) {
                System.out.println("set " + NativeLibraryLocator.ENV + "=" + lib + " for DeltaEval to use them");
            }
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Says whether DeltaEval's native GPU kernels can run on this host, and if not why: the "
                    + "library found and loaded after DJL's engine, its ABI and torch version, DJL's tensor handles "
                    + "read right, a test layer equal to DJL's kernels, and an argument error inside the library "
                    + "coming back as a message. Exit status 0 when they can run, 1 when not."})
    static final class Check implements Callable<Integer> {
        @Option(names = "--device", defaultValue = "gpu", paramLabel = "gpu|gpu:K",
                description = "The GPU to check (default: ${DEFAULT-VALUE}).")
        String device;

        @Override
        public Integer call() {
            ComputeOptions options = Compute.resolve(new ComputeRequest(device, "fp32", "native",
                    ComputeOptions.DEFAULT_CHUNK));
            Optional<String> why = NativeKernels.unavailable(options);
            if (why.isPresent()) {
                System.out.println("native kernels: not available: " + why.get());
                return 1;
            }
            System.out.println("native kernels: loaded; DJL's handles read right; a test layer equals DJL's kernels");
            System.out.println("native kernels: layer inputs from the projections (chunk_inputs): "
                    + NativeKernels.fusedInputsRefused().map(reason -> "not used: " + reason)
                    .orElse("equal to DJL's on a padded test layer"));
            System.out.println("native kernels: norms, SwiGLU and the read-out norm (K5): "
                    + NativeKernels.denseOpsRefused().map(reason -> "not used: " + reason)
                    .orElse("equal to DJL's on test rows"));
            System.out.println("native kernels: stepwise passes (recurrent): "
                    + NativeKernels.recurrentRefused().map(reason -> "not used: " + reason)
                    .orElse("equal to DJL's recurrent kernel on a test layer"));
            System.out.println("native kernels: the recurrence's products on tensor cores in fp16 mode (TF32): "
                    + NativeKernels.tensorCoresRefused().map(reason -> "not used: " + reason)
                    .orElse("within TF32's 2e-3 of DJL's kernel on a test layer"));
            try {
                System.out.println("native kernels: an argument error comes back as: " + NativeKernels.argumentError(options));
            } catch (IllegalStateException e) {
                System.out.println("native kernels: error path broken: " + e.getMessage());
                return 1;
            }
            System.out.println("native kernels: ready (use them with --kernels native)");
            return 0;
        }
    }
}
