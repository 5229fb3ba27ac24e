package dev.deltaeval.charts;

import java.util.Optional;

/**
 * Whether this Java runtime can draw charts. XChart draws with Java2D (the {@code java.desktop} module), which a
 * jlink'd or minimal runtime may leave out; results are then written without their charts, with one line saying why,
 * instead of a run failing at its first chart. Kept free of XChart types, so that asking never loads Java2D.
 */
public final class ChartSupport {
    private static boolean warned;

    private ChartSupport() {
    }

    /** Why charts cannot be drawn here, or empty. */
    public static Optional<String> unavailable() {
        return unavailable(ModuleLayer.boot().findModule("java.desktop").isPresent());
    }

    static Optional<String> unavailable(boolean desktopPresent) {
        return desktopPresent ? Optional.empty() : Optional.of("charts skipped: this Java runtime lacks the "
                + "java.desktop module that drawing needs (a minimal or jlink'd runtime); the results are written "
                + "without charts");
    }

    /** True when charts cannot be drawn; says so on stderr, once per process. Call before building any chart. */
    public static synchronized boolean skip() {
        Optional<String> why = unavailable();
        if (why.isPresent() && !warned) {
            warned = true;
            System.err.println("deltaeval: " + why.get());
        }
        return why.isPresent();
    }
}
