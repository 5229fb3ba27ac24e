package dev.deltaeval.runtime.engine;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.runtime.ModelException;
import dev.deltaeval.runtime.engine.LibtorchChoice.Route;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which libtorch DJL loads, before DJL starts (it loads one per process). The rules, in order:
 * <ol>
 *   <li>{@code PYTORCH_LIBRARY_PATH} (with {@code PYTORCH_VERSION}/{@code PYTORCH_FLAVOR}, or inferred from the
 *       folder), as DJL documents;</li>
 *   <li>for a GPU: the torch of the {@code python3} on the PATH, when DJL has a JNI for it: DJL's own for 2.7.1
 *       (any CUDA 12 build takes the cu128 JNI), or one built for that version, beside its libraries or in DJL's
 *       cache;</li>
 *   <li>for a GPU, with downloads allowed ({@code DJL_OFFLINE=false}): DJL's own CUDA build;</li>
 *   <li>otherwise the bundled CPU libtorch (for {@code --device gpu}: one error naming what was found instead).</li>
 * </ol>
 * Pure decision: it reads files and asks python3, and changes nothing; {@link LibtorchInstaller} applies a choice.
 */
public final class LibtorchLocator {
    static final String JNI_NAME = "libdjl_torch.so";
    private static final String LIB_NAME = "libtorch.so";

    /**
     * What the locator looks at.
     *
     * @param env               the process environment (PATH, PYTORCH_*, DJL_OFFLINE)
     * @param engineCache       DJL's engine cache for PyTorch ({@code ~/.djl.ai/pytorch})
     * @param classifier        DJL's platform classifier, e.g. linux-x86_64
     * @param djlVersion        e.g. 0.36.0
     * @param bundledVersion    the libtorch version DJL's jars are for, e.g. 2.7.1
     * @param jarJniFlavors     flavors whose JNI the pytorch-jni jar on the classpath carries for this classifier
     * @param cpuNativeOnClasspath whether DJL's CPU native jar is on the classpath (DJL then copies it itself)
     * @param cpuNativeJar      the CPU native jar beside DeltaEval's jars (not on the classpath), if any
     */
    public record Context(Map<String, String> env, Path engineCache, String classifier, String djlVersion,
                          String bundledVersion, Set<String> jarJniFlavors, boolean cpuNativeOnClasspath,
                          Optional<Path> cpuNativeJar) {
    }

    private final Context ctx;

    public LibtorchLocator(Context ctx) {
        this.ctx = ctx;
    }

    public LibtorchChoice locate(DeviceRequest request) {
        List<String> notes = new ArrayList<>();
        String envPath = ctx.env().get("PYTORCH_LIBRARY_PATH");
        if (envPath != null && !envPath.isBlank()) {
            return fromLibraryPath(envPath, request);
        }
        Optional<PythonTorch> python = Optional.empty();
        if (request.wantsGpu()) {
            StringBuilder pyNotes = new StringBuilder();
            python = PythonTorch.find(ctx.env(), pyNotes);
            if (python.isEmpty()) {
                notes.add(pyNotes.toString());
            } else if (!python.get().build().isCuda()) {
                notes.add("python3's torch " + python.get().build().label() + " in " + python.get().torchDir()
                        + " is a CPU build");
            } else {
                Optional<LibtorchChoice> c = withJni(python.get(), notes);
                if (c.isPresent()) {
                    return c.get();
                }
            }
            if (downloadsAllowed()) {
                if (!ctx.cpuNativeOnClasspath()) {
                    return new LibtorchChoice(Route.DOWNLOAD, null, null, null, String.join("; ", notes));
                }
                notes.add("DJL_OFFLINE=false, but DJL's CPU native jar is on the classpath and would shadow a "
                        + "download (start DeltaEval with its launcher)");
            }
            if (request.kind() == DeviceRequest.Kind.GPU) {
                throw new ModelException(DeltaEvalException.setting("device") + " " + request.spec() + ": no usable GPU: no CUDA libtorch that DJL "
                        + ctx.djlVersion() + " can load (" + String.join("; ", notes) + "). " + waysOut());
            }
        }
        return cpu(python, notes);
    }

    private LibtorchChoice fromLibraryPath(String envPath, DeviceRequest request) {
        Path dir = null;
        for (String p : envPath.split(File.pathSeparator)) {
            if (!p.isEmpty() && Files.isRegularFile(Path.of(p, LIB_NAME))) {
                dir = Path.of(p).toAbsolutePath();
                break;
            }
        }
        if (dir == null) {
            throw new ModelException("PYTORCH_LIBRARY_PATH=" + envPath + " holds no " + LIB_NAME
                    + " (expected the lib/ folder of a libtorch or of a pip-installed torch)");
        }
        TorchBuild build = buildOf(dir);
        if (request.kind() == DeviceRequest.Kind.GPU && !build.isCuda()) {
            throw new ModelException(DeltaEvalException.setting("device") + " " + request.spec() + ": PYTORCH_LIBRARY_PATH=" + envPath
                    + " is a CPU build (" + build.label() + "); point it at a CUDA libtorch");
        }
        List<String> notes = new ArrayList<>();
        Optional<LibtorchChoice> c = jniFor(Route.LIBRARY_PATH, Route.LIBRARY_PATH, dir, build, notes);
        return c.orElseThrow(() -> new ModelException("PYTORCH_LIBRARY_PATH=" + envPath + ": " + notes.get(0)
                + ". " + waysOut()));
    }

    /** PYTORCH_VERSION and PYTORCH_FLAVOR where set, else what the folder says about itself. */
    private TorchBuild buildOf(Path dir) {
        String v = ctx.env().get("PYTORCH_VERSION");
        String f = ctx.env().get("PYTORCH_FLAVOR");
        try {
            if (v != null && !v.isBlank() && f != null && !f.isBlank()) {
                return new TorchBuild(v.trim(), f.trim().replace("-precxx11", ""));
            }
            Optional<TorchBuild> inferred = TorchBuild.inferFromLibraryDir(dir);
            if (inferred.isPresent()) {
                TorchBuild b = inferred.get();
                return new TorchBuild(v == null || v.isBlank() ? b.version() : v.trim(),
                        f == null || f.isBlank() ? b.flavor() : f.trim().replace("-precxx11", ""));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelException("PYTORCH_LIBRARY_PATH=" + dir + ": cannot tell the libtorch version ("
                    + e.getMessage() + "); set PYTORCH_VERSION (e.g. 2.7.1) and PYTORCH_FLAVOR (cpu or cu128)");
        }
        throw new ModelException("PYTORCH_LIBRARY_PATH=" + dir + ": cannot tell the libtorch version (no version.py "
                + "or build-version beside it); set PYTORCH_VERSION (e.g. 2.7.1) and PYTORCH_FLAVOR (cpu or cu128)");
    }

    private Optional<LibtorchChoice> withJni(PythonTorch py, List<String> notes) {
        return jniFor(Route.PYTHON_TORCH, Route.PYTHON_TORCH_BUILT_JNI, py.libraryDir(), py.build(), notes);
    }

    /**
     * The JNI for a libtorch: DJL's own (in the pytorch-jni jar: version 2.7.1, cpu or cu128; a CUDA 12 build of
     * 2.7.1 takes cu128's), else one built for it in DJL's cache or beside its libraries.
     */
    private Optional<LibtorchChoice> jniFor(Route shipped, Route built, Path dir, TorchBuild build, List<String> notes) {
        if (!Files.isRegularFile(dir.resolve(LIB_NAME))) {
            notes.add(build.label() + " in " + dir + ": no " + LIB_NAME + " there");
            return Optional.empty();
        }
        Path cached = cachedJni(build);
        if (Files.isRegularFile(cached)) {
            return Optional.of(new LibtorchChoice(built, dir, build, null, ""));
        }
        if (build.version().equals(ctx.bundledVersion())) {
            String flavor = build.isCuda() && build.flavor().startsWith("cu12") ? "cu128" : build.flavor();
            if (ctx.jarJniFlavors().contains(flavor)) {
                return Optional.of(new LibtorchChoice(shipped, dir, new TorchBuild(build.version(), flavor), null,
                        ""));
            }
        }
        Path beside = dir.resolve(JNI_NAME);
        if (Files.isRegularFile(beside)) {
            return Optional.of(new LibtorchChoice(built, dir, build, beside, ""));
        }
        notes.add("torch " + build.label() + " in " + dir + ": DJL " + ctx.djlVersion() + " has no JNI for it (looked in "
                + cached.getParent() + " and beside its libraries)");
        return Optional.empty();
    }

    /** Where DJL looks for the JNI of a build: {cache}/{version}-{flavor}-{classifier}/{djlVersion}-libdjl_torch.so. */
    public Path cachedJni(TorchBuild build) {
        return ctx.engineCache().resolve(build.version() + "-" + build.flavor() + "-" + ctx.classifier())
                .resolve(ctx.djlVersion() + "-" + JNI_NAME);
    }

    private LibtorchChoice cpu(Optional<PythonTorch> python, List<String> notes) {
        String why = String.join("; ", notes);
        if (ctx.cpuNativeOnClasspath()) {
            return new LibtorchChoice(Route.BUNDLED_CPU, null, new TorchBuild(ctx.bundledVersion(), "cpu"), null, why);
        }
        if (ctx.cpuNativeJar().isPresent() && ctx.jarJniFlavors().contains("cpu")) {
            Path dir = ctx.engineCache().resolve(ctx.bundledVersion() + "-cpu-" + ctx.classifier());
            return new LibtorchChoice(Route.BUNDLED_CPU, dir, new TorchBuild(ctx.bundledVersion(), "cpu"),
                    ctx.cpuNativeJar().get(), why);
        }
        // no bundled CPU build (a GPU host's kit): any torch with a JNI also runs on the CPU
        if (python.isEmpty()) {
            python = PythonTorch.find(ctx.env(), new StringBuilder());
        }
        if (python.isPresent()) {
            Optional<LibtorchChoice> c = withJni(python.get(), notes);
            if (c.isPresent()) {
                return c.get();
            }
        }
        if (downloadsAllowed()) {
            return new LibtorchChoice(Route.DOWNLOAD, null, null, null, String.join("; ", notes));
        }
        throw new ModelException("no libtorch found: DeltaEval's lib/ folder lacks DJL's CPU native jar (rebuild with "
                + "mvn -DskipTests package)" + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)) + ". "
                + waysOut());
    }

    private boolean downloadsAllowed() {
        return "false".equalsIgnoreCase(ctx.env().getOrDefault("DJL_OFFLINE", "true").trim());
    }

    private String waysOut() {
        return "Ways out: PYTORCH_LIBRARY_PATH=<libtorch " + ctx.bundledVersion() + " for CUDA 12.8>/lib; or torch "
                + ctx.bundledVersion() + " (CUDA 12.x) in python3; or a DJL JNI built for your torch (README: Running "
                + "on a GPU); or DJL_OFFLINE=false to let DJL download its CUDA build";
    }
}
