package dev.deltaeval.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;

/**
 * Starts DJL's PyTorch engine and resolves devices, turning DJL's failures into one actionable line. DJL's own
 * settings ({@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION}, {@code PYTORCH_FLAVOR}, {@code DJL_CACHE_DIR},
 * {@code ai.djl.offline}) are left to DJL, so a GPU user can point it at the libtorch the machine has.
 */
public final class Engines {
    private static final String HINT = "DJL 0.36 needs libtorch 2.7.1: set PYTORCH_LIBRARY_PATH to a matching libtorch, "
            + "or leave PYTORCH_VERSION/PYTORCH_FLAVOR unset to use the bundled CPU build";

    private Engines() {
    }

    public static Engine pytorch() {
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelException("cannot start DJL's PyTorch engine (" + rootMessage(e) + "); " + HINT, e);
        }
    }

    /** Parses "cpu", "gpu" or "gpu:K" and checks that the device is usable by running one small operation on it. */
    public static Device resolve(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        Engine engine = pytorch();
        Device device;
        if (s.equals("cpu")) {
            device = Device.cpu();
        } else if (s.equals("gpu") || s.equals("cuda") || s.startsWith("gpu:") || s.startsWith("cuda:")) {
            int id = s.contains(":") ? parseId(s.substring(s.indexOf(':') + 1), spec) : 0;
            int count = engine.getGpuCount();
            if (count == 0) {
                throw new ModelException("--device " + spec + ": no usable GPU (DJL's PyTorch engine "
                        + engine.getVersion() + " sees 0 CUDA devices; on a CUDA machine use DJL's CUDA build of "
                        + "libtorch: PYTORCH_FLAVOR=cu128 with network access, or PYTORCH_LIBRARY_PATH offline)");
            }
            if (id >= count) {
                throw new ModelException("--device " + spec + ": GPU " + id + " does not exist (" + count + " visible)");
            }
            device = Device.gpu(id);
        } else {
            throw new ModelException("--device " + spec + ": expected cpu, gpu or gpu:K");
        }
        probe(engine, device);
        return device;
    }

    private static int parseId(String s, String spec) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ModelException("--device " + spec + ": expected gpu:K with a number K");
        }
    }

    private static void probe(Engine engine, Device device) {
        try (NDManager m = engine.newBaseManager(device)) {
            NDArray a = m.ones(new ai.djl.ndarray.types.Shape(2, 2));
            a.matMul(a).toFloatArray();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelException("device " + device + " failed its first tensor operation (" + rootMessage(e)
                    + "); the libtorch found may not match DJL's JNI. " + HINT, e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.split("\n")[0];
    }
}
