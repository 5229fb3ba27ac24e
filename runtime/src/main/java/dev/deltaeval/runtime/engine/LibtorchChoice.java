package dev.deltaeval.runtime.engine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which libtorch DJL is to load, and how it was found.
 *
 * @param route      the rule that chose it
 * @param libraryDir the folder with libtorch.so, or null where DJL finds it itself (bundled on the classpath, or
 *                   downloaded)
 * @param build      its version and flavor, or null where DJL decides (download)
 * @param install    a file to put in place before DJL starts (a JNI found beside the libraries, or the bundled CPU
 *                   jar to unpack), or null
 * @param notes      what was looked at and passed over, for the start-up line and for errors
 */
public record LibtorchChoice(Route route, Path libraryDir, TorchBuild build, Path install, String notes) {

    /** The rules, in the order they are tried. */
    public enum Route {
        /** PYTORCH_LIBRARY_PATH, as DJL documents it. */
        LIBRARY_PATH("PYTORCH_LIBRARY_PATH"),
        /** python3's torch 2.7.1 with the JNI that DJL's pytorch-jni jar ships. */
        PYTHON_TORCH("python3's torch, DJL's JNI"),
        /** python3's torch of another version with a JNI built for it (beside its libraries or in DJL's cache). */
        PYTHON_TORCH_BUILT_JNI("python3's torch, a JNI built for it"),
        /** DJL downloads its own build (DJL_OFFLINE=false). */
        DOWNLOAD("DJL download"),
        /** The CPU libtorch 2.7.1 that ships with DeltaEval. */
        BUNDLED_CPU("bundled CPU libtorch");

        private final String label;

        Route(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public boolean isCuda() {
        return build != null ? build.isCuda() : route == Route.DOWNLOAD;
    }

    /** The DJL settings (environment variables or system properties) that make DJL load this libtorch. */
    public Map<String, String> djlProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        if (libraryDir != null) {
            p.put("PYTORCH_LIBRARY_PATH", libraryDir.toString());
            p.put("PYTORCH_VERSION", build.version());
            p.put("PYTORCH_FLAVOR", build.flavor());
        }
        return p;
    }

    /** One phrase for the start-up line: "libtorch 2.11.0+cu130 from /x/torch/lib (python3's torch, ...)". */
    public String describe() {
        String what = build == null ? "libtorch (DJL's choice)" : "libtorch " + build.label();
        return what + (libraryDir == null ? "" : " from " + libraryDir) + " (" + route.label() + ")";
    }
}
