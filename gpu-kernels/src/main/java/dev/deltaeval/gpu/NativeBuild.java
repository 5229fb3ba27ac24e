package dev.deltaeval.gpu;

import dev.deltaeval.common.DeltaEvalException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code deltaeval gpu setup}: builds the native library on the user's GPU host from the sources inside this jar,
 * against the torch of {@code python3} (the one DJL's JNI is built against), and installs it where
 * {@link NativeLibraryLocator} finds it. Needs cmake, nvcc and a C++ compiler; nothing binary ships with DeltaEval.
 */
public final class NativeBuild {
    /** The native sources, as packaged under {@link #RESOURCE_ROOT} (a test keeps the list equal to the folder). */
    static final List<String> FILES = List.of("CMakeLists.txt", "build.sh", "include/deltaeval_native.h",
            "cuda/elements.cuh", "cuda/tile_products.cuh", "cuda/mma_tf32.cuh", "cuda/launch.cuh",
            "cuda/chunk_state.h", "cuda/chunk_state.cu", "cuda/chunk_state_tc.cu", "cuda/chunk_wy.h",
            "cuda/chunk_wy.cu", "cuda/chunk_wy_tc.cu", "cuda/chunk_out.h", "cuda/chunk_out.cu", "cuda/chunk_out_tc.cu", "cuda/short_conv.h",
            "cuda/short_conv.cu", "cuda/chunk_inputs.h", "cuda/chunk_inputs.cu", "cuda/dense_ops.h",
            "cuda/dense_ops.cu", "cuda/target_log_probs.h", "cuda/target_log_probs.cu", "cuda/recurrent.h",
            "cuda/recurrent.cu", "ops/ops.h", "ops/checks.h", "ops/chunk_state_op.cpp", "ops/chunk_wy_op.cpp",
            "ops/chunk_out_op.cpp", "ops/short_conv_op.cpp", "ops/chunk_inputs_op.cpp", "ops/dense_ops_op.cpp",
            "ops/target_log_probs_op.cpp", "ops/recurrent_op.cpp", "ops/registration.cpp", "bridge/c_api.cpp");
    static final String RESOURCE_ROOT = "/dev/deltaeval/gpu/native-src/";
    private static final List<String> TOOLS = List.of("cmake", "nvcc", "python3");

    private NativeBuild() {
    }

    /**
     * Writes the packaged sources under {@code dir}; a file already there with the same bytes is left alone, so
     * that a rebuild in a kept build folder compiles only what changed.
     */
    static void extractTo(Path dir) throws IOException {
        for (String f : FILES) {
            byte[] bytes;
            try (InputStream in = NativeBuild.class.getResourceAsStream(RESOURCE_ROOT + f)) {
                if (in == null) {
                    throw new DeltaEvalException("this DeltaEval was packaged without its native source " + f);
                }
                bytes = in.readAllBytes();
            }
            Path target = dir.resolve(f);
            if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                continue;
            }
            Files.createDirectories(target.getParent());
            Files.write(target, bytes);
        }
    }

    /** The tools of {@link #TOOLS} that no folder of {@code path} (a PATH value) holds. */
    static List<String> missingTools(String path) {
        List<String> missing = new ArrayList<>();
        for (String tool : TOOLS) {
            boolean found = path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                    .filter(p -> !p.isBlank()).anyMatch(p -> Files.isExecutable(Path.of(p, tool)));
            if (!found) {
                missing.add(tool);
            }
        }
        return missing;
    }

    /** The torch version of {@code python3}, e.g. "2.11.0", or an error naming what is wrong. */
    static String torchVersion() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c",
                "import torch; print(torch.__version__.split('+')[0]); print(torch.version.cuda or '')")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new DeltaEvalException("gpu setup: python3 cannot import torch (" + lastLine(out) + "); the native "
                    + "kernels are built against the torch DJL runs, so install it first");
        }
        String[] lines = out.split("\n");
        if (lines.length < 2 || lines[lines.length - 1].isBlank()) {
            throw new DeltaEvalException("gpu setup: python3's torch " + lines[0] + " has no CUDA; install a CUDA "
                    + "build of torch");
        }
        return lines[lines.length - 2].trim();
    }

    /**
     * Builds into {@code work} and installs the library at {@code target} (written beside it, then moved); returns
     * the installed path. Progress and the compilers' failure lines go to stderr.
     */
    public static Path build(Path target, Path work, String archList) throws IOException, InterruptedException {
        List<String> missing = missingTools(System.getenv("PATH"));
        if (!missing.isEmpty()) {
            throw new DeltaEvalException("gpu setup needs " + String.join(", ", missing) + " on PATH (cmake, the CUDA "
                    + "toolkit's nvcc, and python3 with a CUDA torch)");
        }
        String torch = torchVersion();
        Path out = target != null ? target : NativeLibraryLocator.defaultPath(System.getenv(), torch);
        Path src = work.resolve("src");
        extractTo(src);
        System.err.println("deltaeval: building the native kernels against torch " + torch + " in " + work
                + " (cmake and nvcc; a minute or two)");
        ProcessBuilder pb = new ProcessBuilder("bash", src.resolve("build.sh").toString(), work.resolve("build")
                .toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (archList != null && !archList.isBlank()) {
            Map<String, String> env = pb.environment();
            env.put("TORCH_CUDA_ARCH_LIST", archList);
        }
        Process p = pb.start();
        if (p.waitFor() != 0) {
            throw new DeltaEvalException("gpu setup: the native build failed (its logs are in " + work.resolve("build")
                    + ")");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        Files.copy(work.resolve("build/libdeltaeval_native.so"), partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines.length == 0 || lines[lines.length - 1].isBlank() ? "no output" : lines[lines.length - 1];
    }
}
