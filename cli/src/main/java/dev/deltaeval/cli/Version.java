package dev.deltaeval.cli;

import picocli.CommandLine;

/** The harness version recorded in every report. */
public final class Version implements CommandLine.IVersionProvider {
    public static final String HARNESS = "deltaeval 0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {HARNESS, "DJL 0.36.0 / PyTorch 2.7.1, Java " + System.getProperty("java.version")};
    }
}
