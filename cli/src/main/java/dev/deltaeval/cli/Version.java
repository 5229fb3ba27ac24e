package dev.deltaeval.cli;

import dev.deltaeval.jobs.Harness;
import picocli.CommandLine;

/** The harness version recorded in every report. */
public final class Version implements CommandLine.IVersionProvider {
    public static final String HARNESS = Harness.VERSION;

    static String environment(String device) {
        return Harness.environment(device);
    }

    @Override
    public String[] getVersion() {
        return new String[] {HARNESS, "DJL 0.36.0 / PyTorch 2.7.1, Java " + System.getProperty("java.version")};
    }
}
