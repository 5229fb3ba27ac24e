package dev.deltaeval.runtime.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.runtime.ModelException;
import dev.deltaeval.runtime.engine.DeviceRequest;
import dev.deltaeval.runtime.engine.GpuInfo;
import dev.deltaeval.runtime.engine.LibtorchChoice;
import dev.deltaeval.runtime.engine.LibtorchInstaller;
import dev.deltaeval.runtime.engine.LibtorchLocator;

/**
 * Starts DJL's PyTorch engine on the libtorch that {@link LibtorchLocator} chooses for the requested device, and
 * resolves devices, turning DJL's failures into one actionable line. DJL loads one libtorch per process, so the
 * choice is made once, by the first command that asks for a device.
 */
public final class Engines {
    private static final String HINT = "DJL 0.36 needs libtorch 2.7.1 or a JNI built for your libtorch (README: "
            + "Running on a GPU)";
    private static LibtorchChoice chosen;
    private static boolean started;

    private Engines() {
    }

    public static synchronized Engine pytorch() {
        try {
            Engine e = Engine.getEngine("PyTorch");
            started = true;
            return e;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelException("cannot start DJL's PyTorch engine" + (chosen == null ? "" : " with "
                    + chosen.describe()) + " (" + rootMessage(e) + "); " + HINT, e);
        }
    }

    /** A device ready for work, and how it was chosen (for the start-up line and provenance). */
    public record Resolved(Device device, String description) {
    }

    /**
     * Chooses the libtorch for the request (once per process), starts the engine and picks the device: for
     * {@code auto} the first CUDA GPU the engine sees, else the CPU.
     */
    public static synchronized Resolved resolveRequest(DeviceRequest req) {
        if (!started && chosen == null) {
            LibtorchLocator locator = new LibtorchLocator(LibtorchInstaller.currentContext());
            LibtorchChoice c = locator.locate(req);
            LibtorchInstaller.apply(c, locator);
            chosen = c;
        }
        Engine engine = pytorch();
        String lib = chosen == null ? "libtorch " + engine.getVersion() : chosen.describe();
        int count = engine.getGpuCount();
        Device device;
        if (req.kind() == DeviceRequest.Kind.CPU || (req.kind() == DeviceRequest.Kind.AUTO && count == 0)) {
            device = Device.cpu();
        } else {
            if (count == 0) {
                throw new ModelException(DeltaEvalException.setting("device") + " " + req.spec() + ": no usable GPU: " + lib + " sees 0 CUDA devices"
                        + (chosen != null && !chosen.isCuda() ? " (it is a CPU build)" : " (check nvidia-smi and "
                        + "CUDA_VISIBLE_DEVICES)"));
            }
            if (req.index() >= count) {
                throw new ModelException(DeltaEvalException.setting("device") + " " + req.spec() + ": GPU " + req.index() + " does not exist ("
                        + count + " visible)");
            }
            device = Device.gpu(req.index());
        }
        probe(engine, device);
        String where = device.isGpu() ? "gpu:" + device.getDeviceId() + " (" + GpuInfo.describe(device.getDeviceId())
                + ")" : "cpu" + (req.kind() == DeviceRequest.Kind.AUTO ? " (no usable CUDA GPU"
                + (chosen != null && !chosen.notes().isEmpty() ? ": " + chosen.notes() : "") + ")" : "");
        return new Resolved(device, where + ", " + lib);
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
