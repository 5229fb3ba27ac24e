package dev.deltaeval.cli;

import picocli.CommandLine;

/** The harness version recorded in every report. */
public final class Version implements CommandLine.IVersionProvider {
    public static final String HARNESS = "deltaeval 0.1.0";

    /** lm-eval's pretty_env_info for this runtime: what ran the evaluation, in one line. */
    static String environment(String device) {
        return HARNESS + "; DJL 0.36.0 (PyTorch engine); Java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vendor") + "); " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "; device " + device;
    }

    @Override
    public String[] getVersion() {
        return new String[] {HARNESS, "DJL 0.36.0 / PyTorch 2.7.1, Java " + System.getProperty("java.version")};
    }
}
