package dev.deltaeval.runtime.engine;

import ai.djl.util.Platform;
import ai.djl.util.Utils;
import dev.deltaeval.runtime.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Puts a {@link LibtorchChoice} into effect before DJL starts: unpacks the bundled CPU libtorch (which is shipped
 * beside the CLI's jars rather than on its classpath, so that it cannot shadow a CUDA build), copies a JNI found
 * beside a torch's libraries into DJL's cache, and hands DJL the library folder, version and flavor as the system
 * properties it reads. Files land only in DJL's own cache, where DJL would put them itself; each is written to a
 * temporary name and moved into place, so an interrupted start leaves nothing half-written.
 */
public final class LibtorchInstaller {
    private LibtorchInstaller() {
    }

    /**
     * DJL's network defaults for a command-line run, set before any DJL library loads: offline unless
     * {@code DJL_OFFLINE=false} (DJL would otherwise try to download on a CUDA machine: the tokenizers' native library
     * looks for a CUDA flavor first), and the CPU flavor of the tokenizers' library, which is all DeltaEval needs.
     */
    public static void applyDjlDefaults() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline",
                    Boolean.toString(!"false".equalsIgnoreCase(System.getenv().getOrDefault("DJL_OFFLINE", "true"))));
        }
        if (System.getProperty("RUST_FLAVOR") == null && System.getenv("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
    }

    /** What this process can see: environment, DJL's cache, the jars on and beside the classpath. */
    public static LibtorchLocator.Context currentContext() {
        Properties engine = new Properties();
        try (InputStream is = LibtorchInstaller.class.getResourceAsStream("/pytorch-engine.properties")) {
            if (is != null) {
                engine.load(is);
            }
        } catch (IOException e) {
            throw new ModelException("cannot read DJL's pytorch-engine.properties (" + e.getMessage() + ")");
        }
        String djl = engine.getProperty("djl_version", "0.36.0");
        String torch = engine.getProperty("pytorch_version", "2.7.1");
        String classifier = Platform.fromSystem("pytorch").getClassifier();
        Set<String> flavors = new LinkedHashSet<>();
        for (String f : new String[] {"cpu", "cu118", "cu121", "cu124", "cu126", "cu128", "cu129"}) {
            if (LibtorchInstaller.class.getResource("/jnilib/" + classifier + "/" + f + "/"
                    + LibtorchLocator.JNI_NAME) != null) {
                flavors.add(f);
            }
        }
        boolean cpuOnClasspath = LibtorchInstaller.class.getResource("/native/lib/pytorch.properties") != null;
        Map<String, String> env = new HashMap<>(System.getenv());
        for (String k : new String[] {"PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "DJL_OFFLINE"}) {
            String p = System.getProperty(k);
            if (p != null) {
                env.put(k, p);
            }
        }
        if (System.getProperty("ai.djl.offline") != null) {
            env.put("DJL_OFFLINE", System.getProperty("ai.djl.offline"));
        }
        return new LibtorchLocator.Context(env, Utils.getEngineCacheDir("pytorch"), classifier, djl, torch, flavors,
                cpuOnClasspath, cpuNativeJarBesideClasses(torch, classifier));
    }

    /** DJL's CPU native jar in the folder that holds DeltaEval's own jars (the CLI's lib/), if it is there. */
    static Optional<Path> cpuNativeJarBesideClasses(String version, String classifier) {
        try {
            Path self = Path.of(LibtorchInstaller.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path jar = self.getParent() == null ? null
                    : self.getParent().resolve("pytorch-native-cpu-" + version + "-" + classifier + ".jar");
            return jar != null && Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** Makes the choice's files present and sets the system properties DJL reads. */
    public static void apply(LibtorchChoice choice, LibtorchLocator locator) {
        try {
            if (choice.install() != null && choice.install().getFileName().toString().endsWith(".jar")) {
                unpackNativeJar(choice.install(), choice.libraryDir());
            } else if (choice.install() != null) {
                Path target = locator.cachedJni(choice.build());
                if (!Files.isRegularFile(target)) {
                    copyAtomically(choice.install(), target);
                }
            }
        } catch (IOException e) {
            throw new ModelException("cannot prepare libtorch in DJL's cache (" + e.getMessage() + ")");
        }
        choice.djlProperties().forEach(System::setProperty);
    }

    /** Unpacks the libraries a DJL native jar lists in native/lib/pytorch.properties into {@code dir}. */
    static void unpackNativeJar(Path jar, Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("libtorch.so"))) {
            return;
        }
        try (JarFile jf = new JarFile(jar.toFile())) {
            ZipEntry propsEntry = jf.getEntry("native/lib/pytorch.properties");
            if (propsEntry == null) {
                throw new IOException(jar + " is not a DJL native jar (no native/lib/pytorch.properties)");
            }
            Properties props = new Properties();
            try (InputStream is = jf.getInputStream(propsEntry)) {
                props.load(is);
            }
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), "unpack");
            try {
                // DJL 0.36's layout: pytorch/{flavor}/{classifier}/{library}
                String folder = "pytorch/" + props.getProperty("flavor", "cpu") + "/"
                        + props.getProperty("classifier", "linux-x86_64") + "/";
                for (String lib : props.getProperty("libraries", "").split(",")) {
                    ZipEntry e = jf.getEntry(folder + lib.trim());
                    if (e == null) {
                        throw new IOException(jar + " lists " + lib + " but does not hold it");
                    }
                    try (InputStream is = jf.getInputStream(e)) {
                        Files.copy(is, tmp.resolve(lib.trim()));
                    }
                }
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    if (!Files.isRegularFile(dir.resolve("libtorch.so"))) {
                        throw raced;
                    }
                }
            } finally {
                deleteTree(tmp);
            }
        }
    }

    private static void copyAtomically(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Path tmp = Files.createTempFile(to.getParent(), "jni", ".tmp");
        try {
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
