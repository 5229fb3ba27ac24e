package dev.deltaeval.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.runtime.ModelException;
import dev.deltaeval.runtime.engine.LibtorchChoice.Route;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route of the libtorch search against fake library folders, a fake python3 and a fake DJL cache. */
class LibtorchLocatorTest {
    private static final DeviceRequest AUTO = DeviceRequest.parse("auto");
    private static final DeviceRequest GPU = DeviceRequest.parse("gpu");
    private static final DeviceRequest CPU = DeviceRequest.parse("cpu");

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private Set<String> jarFlavors = Set.of("cpu", "cu128");
    private boolean cpuOnClasspath = true;
    private Optional<Path> cpuJar = Optional.empty();

    @AfterEach
    void clearProperties() {
        for (String k : new String[] {"PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR"}) {
            System.clearProperty(k);
        }
    }

    private LibtorchLocator locator() {
        env.putIfAbsent("PATH", dir.resolve("empty-bin").toString());
        return new LibtorchLocator(new LibtorchLocator.Context(env, dir.resolve("cache/pytorch"), "linux-x86_64",
                "0.36.0", "2.7.1", jarFlavors, cpuOnClasspath, cpuJar));
    }

    /** A pip-style torch package: torch/version.py, torch/lib/libtorch.so. */
    private Path torch(String name, String version, String cuda) throws IOException {
        Path t = Files.createDirectories(dir.resolve(name).resolve("torch/lib"));
        Files.writeString(t.resolve("libtorch.so"), "");
        Files.writeString(t.getParent().resolve("__init__.py"), "");
        Files.writeString(t.getParent().resolve("version.py"), "__version__ = '" + version + "'\ncuda: Optional[str] = "
                + (cuda == null ? "None" : "'" + cuda + "'") + "\n");
        return t;
    }

    /** A python3 on the PATH whose find_spec('torch') answers with this torch package (or nothing). */
    private void python3(Path torchLib) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path py = bin.resolve("python3");
        Files.writeString(py, "#!/bin/sh\n" + (torchLib == null ? "echo\n"
                : "echo " + torchLib.getParent().resolve("__init__.py") + "\n"));
        Files.setPosixFilePermissions(py, PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("PATH", bin.toString());
    }

    @Test
    void libraryPathComesFirstAndItsBuildIsInferred() throws IOException {
        Path lib = torch("env", "2.7.1+cu128", "12.8");
        python3(torch("py", "2.11.0+cu130", "13.0"));
        env.put("PYTORCH_LIBRARY_PATH", lib.toString());
        LibtorchChoice c = locator().locate(AUTO);
        assertEquals(Route.LIBRARY_PATH, c.route());
        assertEquals(Map.of("PYTORCH_LIBRARY_PATH", lib.toString(), "PYTORCH_VERSION", "2.7.1",
                "PYTORCH_FLAVOR", "cu128"), c.djlProperties());
        assertTrue(c.isCuda());
    }

    @Test
    void libraryPathVersionAndFlavorFromTheEnvironmentWin() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("libtorch/lib"));
        Files.writeString(lib.resolve("libtorch.so"), "");
        env.put("PYTORCH_LIBRARY_PATH", lib.toString());
        env.put("PYTORCH_VERSION", "2.7.1");
        env.put("PYTORCH_FLAVOR", "cu128-precxx11");
        LibtorchChoice c = locator().locate(GPU);
        assertEquals(new TorchBuild("2.7.1", "cu128"), c.build());
    }

    @Test
    void libraryPathErrors() throws IOException {
        env.put("PYTORCH_LIBRARY_PATH", dir.resolve("nowhere").toString());
        assertEquals("PYTORCH_LIBRARY_PATH=" + dir.resolve("nowhere") + " holds no libtorch.so (expected the lib/ "
                + "folder of a libtorch or of a pip-installed torch)",
                assertThrows(ModelException.class, () -> locator().locate(AUTO)).getMessage());

        Path unknown = Files.createDirectories(dir.resolve("unknown/lib"));
        Files.writeString(unknown.resolve("libtorch.so"), "");
        env.put("PYTORCH_LIBRARY_PATH", unknown.toString());
        assertTrue(assertThrows(ModelException.class, () -> locator().locate(AUTO)).getMessage()
                .endsWith("cannot tell the libtorch version (no version.py or build-version beside it); set "
                        + "PYTORCH_VERSION (e.g. 2.7.1) and PYTORCH_FLAVOR (cpu or cu128)"));

        Path cpuBuild = torch("cpu", "2.7.1+cpu", null);
        env.put("PYTORCH_LIBRARY_PATH", cpuBuild.toString());
        assertEquals("device gpu: PYTORCH_LIBRARY_PATH=" + cpuBuild + " is a CPU build (2.7.1+cpu); point it at a "
                + "CUDA libtorch", assertThrows(ModelException.class, () -> locator().locate(GPU)).getMessage());

        Path newer = torch("newer", "2.11.0+cu130", "13.0");
        env.put("PYTORCH_LIBRARY_PATH", newer.toString());
        String m = assertThrows(ModelException.class, () -> locator().locate(GPU)).getMessage();
        assertTrue(m.startsWith("PYTORCH_LIBRARY_PATH=" + newer + ": torch 2.11.0+cu130 in " + newer
                + ": DJL 0.36.0 has no JNI for it (looked in " + dir.resolve("cache/pytorch/2.11.0-cu130-linux-x86_64")
                + " and beside its libraries). Ways out: "), m);
    }

    @Test
    void pythonTorch271TakesDjlsShippedCudaJni() throws IOException {
        Path lib = torch("py", "2.7.1+cu126", "12.6");
        python3(lib);
        LibtorchChoice c = locator().locate(GPU);
        assertEquals(Route.PYTHON_TORCH, c.route());
        assertEquals(lib, c.libraryDir());
        assertEquals(new TorchBuild("2.7.1", "cu128"), c.build()); // any CUDA 12 build of 2.7.1 takes cu128's JNI
        assertNull(c.install());
    }

    @Test
    void pythonTorchOfAnotherVersionUsesAJniBuiltForIt() throws IOException {
        Path lib = torch("py", "2.11.0+cu130", "13.0");
        python3(lib);
        // beside its libraries: copied into DJL's cache, where DJL looks
        Files.writeString(lib.resolve("libdjl_torch.so"), "jni");
        LibtorchLocator locator = locator();
        LibtorchChoice c = locator.locate(AUTO);
        assertEquals(Route.PYTHON_TORCH_BUILT_JNI, c.route());
        assertEquals(lib.resolve("libdjl_torch.so"), c.install());
        LibtorchInstaller.apply(c, locator);
        Path cached = dir.resolve("cache/pytorch/2.11.0-cu130-linux-x86_64/0.36.0-libdjl_torch.so");
        assertEquals("jni", Files.readString(cached));
        assertEquals(lib.toString(), System.getProperty("PYTORCH_LIBRARY_PATH"));
        assertEquals("2.11.0", System.getProperty("PYTORCH_VERSION"));
        assertEquals("cu130", System.getProperty("PYTORCH_FLAVOR"));
        // once in the cache (what gpu-host/setup.sh writes), nothing more to install
        Files.delete(lib.resolve("libdjl_torch.so"));
        LibtorchChoice again = locator.locate(GPU);
        assertEquals(Route.PYTHON_TORCH_BUILT_JNI, again.route());
        assertNull(again.install());
    }

    @Test
    void aTorchWithoutJniIsAnErrorForGpuAndANoteForAuto() throws IOException {
        Path lib = torch("py", "2.11.0+cu130", "13.0");
        python3(lib);
        String m = assertThrows(ModelException.class, () -> locator().locate(GPU)).getMessage();
        assertTrue(m.startsWith("device gpu: no usable GPU: no CUDA libtorch that DJL 0.36.0 can load (torch "
                + "2.11.0+cu130 in " + lib + ": DJL 0.36.0 has no JNI for it (looked in "), m);
        assertTrue(m.contains("Ways out: PYTORCH_LIBRARY_PATH=<libtorch 2.7.1 for CUDA 12.8>/lib; or torch 2.7.1 "
                + "(CUDA 12.x) in python3; or a DJL JNI built for your torch (README: Running on a GPU); or "
                + "DJL_OFFLINE=false to let DJL download its CUDA build"), m);
        LibtorchChoice auto = locator().locate(AUTO);
        assertEquals(Route.BUNDLED_CPU, auto.route());
        assertTrue(auto.notes().contains("torch 2.11.0+cu130 in " + lib + ": DJL 0.36.0 has no JNI for it"));
    }

    @Test
    void cpuTorchNoTorchOrNoPython() throws IOException {
        python3(torch("py", "2.7.1+cpu", null));
        assertTrue(assertThrows(ModelException.class, () -> locator().locate(GPU)).getMessage()
                .contains("python3's torch 2.7.1+cpu in " + dir.resolve("py/torch") + " is a CPU build"));
        python3(null);
        assertTrue(assertThrows(ModelException.class, () -> locator().locate(GPU)).getMessage()
                .contains(dir.resolve("bin/python3") + " has no torch package"));
        env.put("PATH", dir.resolve("empty").toString());
        assertTrue(assertThrows(ModelException.class, () -> locator().locate(GPU)).getMessage()
                .contains("(no python3 on the PATH)"));
        assertEquals(Route.BUNDLED_CPU, locator().locate(AUTO).route());
    }

    @Test
    void downloadsOnlyWhenAllowedAndNotShadowed() throws IOException {
        python3(null);
        env.put("DJL_OFFLINE", "false");
        cpuOnClasspath = false;
        LibtorchChoice c = locator().locate(GPU);
        assertEquals(Route.DOWNLOAD, c.route());
        assertTrue(c.djlProperties().isEmpty());
        cpuOnClasspath = true; // DJL would copy the classpath's CPU build instead of downloading
        assertTrue(assertThrows(ModelException.class, () -> locator().locate(GPU)).getMessage()
                .contains("DJL's CPU native jar is on the classpath and would shadow a download"));
    }

    @Test
    void cpuTakesTheBundledJarBesideTheClassesAndUnpacksIt() throws IOException {
        cpuOnClasspath = false;
        Path jar = dir.resolve("pytorch-native-cpu-2.7.1-linux-x86_64.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "native/lib/pytorch.properties", "version=2.7.1-20250812\nflavor=cpu\nclassifier=linux-x86_64\n"
                    + "libraries=libc10.so,libtorch.so\n");
            put(out, "pytorch/cpu/linux-x86_64/libc10.so", "c10");
            put(out, "pytorch/cpu/linux-x86_64/libtorch.so", "torch");
        }
        cpuJar = Optional.of(jar);
        python3(torch("py", "2.11.0+cu130", "13.0")); // never asked for a CPU run
        LibtorchLocator locator = locator();
        LibtorchChoice c = locator.locate(CPU);
        assertEquals(Route.BUNDLED_CPU, c.route());
        Path target = dir.resolve("cache/pytorch/2.7.1-cpu-linux-x86_64");
        assertEquals(target, c.libraryDir());
        LibtorchInstaller.apply(c, locator);
        assertEquals("torch", Files.readString(target.resolve("libtorch.so")));
        assertEquals("c10", Files.readString(target.resolve("libc10.so")));
        assertEquals("cpu", System.getProperty("PYTORCH_FLAVOR"));
        assertEquals(target.toString(), System.getProperty("PYTORCH_LIBRARY_PATH"));
    }

    @Test
    void cpuWithoutTheBundledJarUsesAnyTorchWithAJni() throws IOException {
        cpuOnClasspath = false;
        jarFlavors = Set.of();
        Path lib = torch("py", "2.11.0+cu130", "13.0");
        python3(lib);
        assertTrue(assertThrows(ModelException.class, () -> locator().locate(CPU)).getMessage()
                .startsWith("no libtorch found: DeltaEval's lib/ folder lacks DJL's CPU native jar"));
        Path cached = Files.createDirectories(dir.resolve("cache/pytorch/2.11.0-cu130-linux-x86_64"));
        Files.writeString(cached.resolve("0.36.0-libdjl_torch.so"), "jni");
        LibtorchChoice c = locator().locate(CPU);
        assertEquals(Route.PYTHON_TORCH_BUILT_JNI, c.route());
        assertEquals(lib, c.libraryDir());
    }

    private static void put(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        OutputStream o = out;
        o.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
