package dev.deltaeval.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.runtime.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchBuildTest {
    @TempDir
    Path dir;

    @Test
    void parsesVersionStringsAsTorchPrintsThem() {
        assertEquals(new TorchBuild("2.11.0", "cu130"), TorchBuild.parse("2.11.0+cu130", null));
        assertEquals(new TorchBuild("2.7.1", "cpu"), TorchBuild.parse("2.7.1+cpu", null));
        assertEquals(new TorchBuild("2.7.1", "cpu"), TorchBuild.parse("2.7.1", null));
        // a plain version string (a distribution's own build) takes its flavor from the CUDA version
        assertEquals(new TorchBuild("2.7.1", "cu128"), TorchBuild.parse("2.7.1", "12.8"));
        assertEquals(new TorchBuild("2.6.0", "cu124"), TorchBuild.parse("2.6.0a0+git1234", "12.4"));
        assertTrue(TorchBuild.parse("2.11.0+cu130", null).isCuda());
        assertFalse(TorchBuild.parse("2.7.1+cpu", null).isCuda());
        assertEquals("2.11.0+cu130", TorchBuild.parse("2.11.0+cu130", null).label());
    }

    @Test
    void rejectsBuildsDjlCannotLoad() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchBuild.parse("2.5.0+rocm6.2", null));
        assertEquals("torch 2.5.0+rocm6.2 is neither a CPU nor a CUDA build", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TorchBuild.parse("nightly", null));
    }

    @Test
    void readsVersionPyWithAndWithoutTypeAnnotations() throws Exception {
        Path v = dir.resolve("version.py");
        Files.writeString(v, "from typing import Optional\n__all__ = ['__version__']\n__version__ = '2.11.0+cu130'\n"
                + "debug = False\ncuda: Optional[str] = '13.0'\ngit_version = 'abc'\nhip: Optional[str] = None\n");
        assertEquals(new TorchBuild("2.11.0", "cu130"), TorchBuild.fromVersionPy(v));
        Files.writeString(v, "__version__ = '2.7.1+cpu'\ncuda = None\n");
        assertEquals(new TorchBuild("2.7.1", "cpu"), TorchBuild.fromVersionPy(v));
    }

    @Test
    void infersTheBuildOfALibraryFolder() throws Exception {
        Path pip = Files.createDirectories(dir.resolve("torch/lib"));
        Files.writeString(dir.resolve("torch/version.py"), "__version__ = '2.7.1+cu126'\ncuda = '12.6'\n");
        assertEquals(new TorchBuild("2.7.1", "cu126"), TorchBuild.inferFromLibraryDir(pip).orElseThrow());
        Path archive = Files.createDirectories(dir.resolve("libtorch/lib"));
        Files.writeString(dir.resolve("libtorch/build-version"), "2.7.1+cu128\n");
        assertEquals(new TorchBuild("2.7.1", "cu128"), TorchBuild.inferFromLibraryDir(archive).orElseThrow());
        assertTrue(TorchBuild.inferFromLibraryDir(Files.createDirectories(dir.resolve("bare/lib"))).isEmpty());
    }

    @Test
    void deviceRequests() {
        assertEquals(DeviceRequest.Kind.AUTO, DeviceRequest.parse("auto").kind());
        assertEquals(DeviceRequest.Kind.CPU, DeviceRequest.parse("CPU").kind());
        assertEquals(new DeviceRequest(DeviceRequest.Kind.GPU, 0, "gpu"), DeviceRequest.parse("gpu"));
        assertEquals(3, DeviceRequest.parse("cuda:3").index());
        assertFalse(DeviceRequest.parse("cpu").wantsGpu());
        assertTrue(DeviceRequest.parse("auto").wantsGpu());
        assertEquals("device gpu:x: expected gpu:K with a GPU number K >= 0",
                assertThrows(ModelException.class, () -> DeviceRequest.parse("gpu:x")).getMessage());
        assertEquals("device tpu: expected auto, cpu, gpu or gpu:K",
                assertThrows(ModelException.class, () -> DeviceRequest.parse("tpu")).getMessage());
    }

    @Test
    void gpuLineFromNvidiaSmi() {
        assertEquals("NVIDIA H200, 140.4 GiB", GpuInfo.parse("NVIDIA H200, 143771", 0));
        assertEquals("CUDA device 1", GpuInfo.parse("garbage", 1));
    }
}
