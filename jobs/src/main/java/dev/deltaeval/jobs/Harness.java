package dev.deltaeval.jobs;

/** This harness's identity, recorded in every result. */
public final class Harness {
    public static final String VERSION = "deltaeval 0.1.0";

    private Harness() {
    }

    /** lm-eval's pretty_env_info for this runtime: what ran the evaluation, in one line. */
    public static String environment(String device) {
        return VERSION + "; DJL 0.36.0 (PyTorch engine); Java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vendor") + "); " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "; device " + device;
    }
}
