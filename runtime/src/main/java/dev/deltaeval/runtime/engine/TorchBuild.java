package dev.deltaeval.runtime.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A libtorch build as DJL names it: version "2.7.1" and flavor "cpu" or "cuXYZ" (the CUDA version without its dot).
 * Read from a PyTorch installation's {@code torch/version.py} or a libtorch archive's {@code build-version}, so no
 * Python interpreter has to import torch (which takes seconds) just to find out.
 */
public record TorchBuild(String version, String flavor) {
    private static final Pattern VERSION = Pattern.compile("(?m)^__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern CUDA = Pattern.compile("(?m)^cuda\\s*(?::[^=\\n]*)?=\\s*(?:['\"]([^'\"]*)['\"]|None)");
    private static final Pattern PLAIN = Pattern.compile("\\d+\\.\\d+\\.\\d+");

    public TorchBuild {
        if (!PLAIN.matcher(version).matches()) {
            throw new IllegalArgumentException("torch version \"" + version + "\" is not of the form X.Y.Z");
        }
        if (!flavor.equals("cpu") && !flavor.matches("cu\\d{3}")) {
            throw new IllegalArgumentException("libtorch flavor \"" + flavor + "\" is neither cpu nor cuXYZ");
        }
    }

    public boolean isCuda() {
        return flavor.startsWith("cu");
    }

    /** "2.11.0+cu130" style, as torch.__version__ prints it. */
    public String label() {
        return version + "+" + flavor;
    }

    /**
     * Parses "2.11.0+cu130", "2.7.1+cpu", or "2.7.1" together with a CUDA version "12.8" (or null for CPU).
     * A local suffix other than cpu/cuXYZ (rocm, xpu) is not a build DJL can load.
     */
    public static TorchBuild parse(String fullVersion, String cudaVersion) {
        String v = fullVersion.trim();
        String local = null;
        int plus = v.indexOf('+');
        if (plus >= 0) {
            local = v.substring(plus + 1).toLowerCase(Locale.ROOT);
            v = v.substring(0, plus);
        }
        Matcher m = PLAIN.matcher(v);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("torch version \"" + fullVersion + "\" is not of the form X.Y.Z");
        }
        String version = m.group();
        if (cudaVersion != null && !cudaVersion.isBlank()) {
            String[] parts = cudaVersion.trim().split("\\.");
            String minor = parts.length > 1 ? parts[1] : "0";
            return new TorchBuild(version, "cu" + parts[0] + minor);
        }
        if (local == null || local.equals("cpu") || local.startsWith("cpu.")) {
            return new TorchBuild(version, "cpu");
        }
        if (local.matches("cu\\d{3}")) {
            return new TorchBuild(version, local);
        }
        throw new IllegalArgumentException("torch " + fullVersion + " is neither a CPU nor a CUDA build");
    }

    /** Reads a PyTorch package's version.py ({@code __version__} and {@code cuda}). */
    public static TorchBuild fromVersionPy(Path versionPy) throws IOException {
        String text = Files.readString(versionPy);
        Matcher v = VERSION.matcher(text);
        if (!v.find()) {
            throw new IOException(versionPy + ": no __version__ line");
        }
        Matcher c = CUDA.matcher(text);
        String cuda = c.find() ? c.group(1) : null;
        return parse(v.group(1), cuda);
    }

    /**
     * Infers the build of a libtorch folder: {@code ../version.py} (a pip-installed torch, whose libraries are in
     * torch/lib) or {@code ../build-version} (a libtorch archive from pytorch.org, "2.7.1+cu128").
     */
    public static Optional<TorchBuild> inferFromLibraryDir(Path libDir) throws IOException {
        Path parent = libDir.toAbsolutePath().getParent();
        if (parent == null) {
            return Optional.empty();
        }
        Path versionPy = parent.resolve("version.py");
        if (Files.isRegularFile(versionPy)) {
            return Optional.of(fromVersionPy(versionPy));
        }
        Path buildVersion = parent.resolve("build-version");
        if (Files.isRegularFile(buildVersion)) {
            return Optional.of(parse(Files.readString(buildVersion).trim(), null));
        }
        return Optional.empty();
    }
}
