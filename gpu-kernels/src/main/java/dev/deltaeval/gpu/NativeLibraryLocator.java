package dev.deltaeval.gpu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the native library is: the system property {@value #PROPERTY}, else the environment variable
 * {@value #ENV}, else the file {@code deltaeval gpu setup} writes beside DJL's engine cache,
 * {@code $DJL_CACHE_DIR/deltaeval/libdeltaeval_native-<torch version>.so} ({@code ~/.djl.ai} by default).
 */
public final class NativeLibraryLocator {
    public static final String PROPERTY = "deltaeval.native.library";
    public static final String ENV = "DELTAEVAL_NATIVE_LIBRARY";

    private NativeLibraryLocator() {
    }

    /** The library's place as setup writes it for this torch version. */
    public static Path defaultPath(Map<String, String> env, String torchVersion) {
        String cache = env.get("DJL_CACHE_DIR");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".djl.ai");
        return base.resolve("deltaeval").resolve("libdeltaeval_native-" + torchVersion + ".so");
    }

    /** The library named or set up for this torch version, or why there is none. */
    public static Found locate(String property, Map<String, String> env, String torchVersion) {
        String named = property != null && !property.isBlank() ? property : env.get(ENV);
        String source = property != null && !property.isBlank() ? "-D" + PROPERTY : ENV;
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            return Files.isRegularFile(p) ? new Found(Optional.of(p), "")
                    : new Found(Optional.empty(), source + "=" + named + ": no such file");
        }
        Path p = defaultPath(env, torchVersion);
        return Files.isRegularFile(p) ? new Found(Optional.of(p), "")
                : new Found(Optional.empty(), "no native library for torch " + torchVersion + " (run `deltaeval gpu "
                + "setup` on this host, or set " + ENV + ")");
    }

    /** @param why empty when {@code path} is present */
    public record Found(Optional<Path> path, String why) {
    }
}
