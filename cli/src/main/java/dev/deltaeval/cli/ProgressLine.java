package dev.deltaeval.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress display on stderr: rewritten in place on a terminal, every 10% otherwise (CI logs). */
final class ProgressLine {
    private final PrintStream err = System.err;
    private final boolean tty = System.console() != null;
    private final String label;
    private final int total;
    private final String unit;
    private final double docsPerUnit;
    private final long start = System.nanoTime();
    private int lastDecile = -1;

    ProgressLine(String label, int total, String unit) {
        this(label, total, unit, 0);
    }

    /** @param docsPerUnit documents per unit of work (requests), to show documents/s as well; 0 for none */
    ProgressLine(String label, int total, String unit, double docsPerUnit) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.docsPerUnit = docsPerUnit;
    }

    void update(int done) {
        double secs = (System.nanoTime() - start) / 1e9;
        if (secs < 0.5 && done < total) {
            return; // a rate over a few microseconds means nothing
        }
        double rate = done / Math.max(secs, 1e-9);
        double eta = done == 0 ? Double.NaN : (total - done) / rate;
        String docs = docsPerUnit > 0 ? String.format(Locale.ROOT, "%.1f documents/s, ", rate * docsPerUnit) : "";
        String line = String.format(Locale.ROOT, "%s %d/%d %s (%s%.1f %s/s, ETA %s)", label, done, total, unit, docs,
                rate, unit, Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.0fs", eta));
        int decile = total == 0 ? 10 : done * 10 / total;
        if (tty) {
            err.print("\r" + line + (done >= total ? "\n" : ""));
        } else if (decile != lastDecile) {
            err.println(line);
        }
        lastDecile = decile;
    }
}
