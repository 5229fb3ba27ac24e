package dev.deltaeval.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.deltaeval.deltanet.ops.DeltaRuleKernel;
import dev.deltaeval.deltanet.ops.KernelPlan;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.runtime.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the library is looked for and what a user reads when it cannot run: never a crash, always the reason, and
 * on a CPU nothing at all (the DJL kernels are the only choice there). No GPU is needed: every case fails before
 * a device is touched.
 */
class NativeLoadingTest {
    @TempDir
    Path tmp;

    private static final ComputeOptions GPU = new ComputeOptions(Device.gpu(), Precision.FP16, 64);

    @AfterEach
    void forget() {
        System.clearProperty(NativeLibraryLocator.PROPERTY);
        NativeKernels.reset();
    }

    @Test
    void thePropertyComesBeforeTheEnvironmentAndTheCache() throws IOException {
        Path lib = Files.writeString(tmp.resolve("libx.so"), "");
        Path env = Files.writeString(tmp.resolve("liby.so"), "");
        assertEquals(Optional.of(lib), NativeLibraryLocator.locate(lib.toString(),
                Map.of(NativeLibraryLocator.ENV, env.toString()), "2.11.0").path());
        assertEquals(Optional.of(env), NativeLibraryLocator.locate(null,
                Map.of(NativeLibraryLocator.ENV, env.toString()), "2.11.0").path());
        Path cached = NativeLibraryLocator.defaultPath(Map.of("DJL_CACHE_DIR", tmp.toString()), "2.11.0");
        assertEquals(tmp.resolve("deltaeval/libdeltaeval_native-2.11.0.so"), cached);
        Files.createDirectories(cached.getParent());
        Files.writeString(cached, "");
        assertEquals(Optional.of(cached), NativeLibraryLocator.locate("", Map.of("DJL_CACHE_DIR", tmp.toString()),
                "2.11.0").path());
    }

    @Test
    void aMissingLibraryIsNamedWithWhatToDo() {
        assertEquals("DELTAEVAL_NATIVE_LIBRARY=/nowhere/lib.so: no such file", NativeLibraryLocator.locate(null,
                Map.of(NativeLibraryLocator.ENV, "/nowhere/lib.so"), "2.11.0").why());
        assertEquals("no native library for torch 2.11.0 (run `deltaeval gpu setup` on this host, or set "
                + "DELTAEVAL_NATIVE_LIBRARY)", NativeLibraryLocator.locate(null, Map.of("DJL_CACHE_DIR",
                tmp.toString()), "2.11.0").why());
    }

    @Test
    void onACpuTheNativeKernelsAreNeitherChosenNorMentioned() {
        for (DeltaRuleKernel k : List.of(new NativeChunkedKernel(), new NativeChunkedKernel.DjlInputs(),
                new NativeRecurrentKernel())) {
            assertEquals(Optional.of("needs a CUDA device"), k.unavailable(ComputeOptions.cpu()), k.name());
            assertTrue(k.autoPreference(ComputeOptions.cpu()).isEmpty(), k.name());
            assertTrue(KernelPlan.installed().stream().map(DeltaRuleKernel::name).anyMatch(k.name()::equals),
                    k.name() + " registered through ServiceLoader");
        }
        KernelPlan plan = KernelPlan.choose(KernelPlan.installed(), ComputeOptions.cpu(), null);
        assertEquals("parallel djl-chunked, step-by-step djl-recurrent", plan.describe());
    }

    @Test
    void onAGpuAMissingLibraryIsAReasonNotAnError() {
        System.setProperty(NativeLibraryLocator.PROPERTY, tmp.resolve("absent.so").toString());
        assertEquals(Optional.of("-Ddeltaeval.native.library=" + tmp.resolve("absent.so") + ": no such file"),
                new NativeChunkedKernel().unavailable(GPU));
        assertTrue(new NativeChunkedKernel().autoPreference(GPU).isEmpty(), "opt-in until the changed kernels are timed beside fla");
        assertEquals(new NativeChunkedKernel().unavailable(GPU), new NativeRecurrentKernel().unavailable(GPU),
                "the stepwise kernel gives the library's reason");
        assertTrue(new NativeRecurrentKernel().autoPreference(GPU).isEmpty(), "opt-in as the chunked one");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> NativeKernels.argumentError(GPU));
        assertEquals("the native library is not loaded", e.getMessage(), "gpu check probes errors only when loaded");
    }

    @Test
    void aFileThatIsNotALibraryIsOneLine() throws IOException {
        Path bogus = Files.writeString(tmp.resolve("libbogus.so"), "not an ELF file");
        System.setProperty(NativeLibraryLocator.PROPERTY, bogus.toString());
        String why = new NativeChunkedKernel().unavailable(GPU).orElseThrow();
        assertTrue(why.startsWith("cannot load " + bogus + ": "), why);
        assertTrue(!why.contains("\n"), why);
    }
}
