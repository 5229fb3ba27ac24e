package dev.deltaeval.jobs;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display on stderr: rewritten in place on a terminal, every 10% otherwise (CI logs). It starts
 * at 0, shows a rate only once there is half a second to measure it over, and ends with the total time.
 */
public final class ProgressLine {
    private final PrintStream err = System.err;
    private final boolean tty = System.console() != null;
    private final String label;
    private final int total;
    private final String unit;
    private final double docsPerUnit;
    private final long start = System.nanoTime();
    private int lastDecile = -1;

    public ProgressLine(String label, int total, String unit) {
        this(label, total, unit, 0);
    }

    /** @param docsPerUnit documents per unit of work (requests), to show documents/s as well; 0 for none */
    public ProgressLine(String label, int total, String unit, double docsPerUnit) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.docsPerUnit = docsPerUnit;
        show(String.format(Locale.ROOT, "%s 0/%d %s", label, total, unit), 0, false);
    }

    public void update(int done) {
        double secs = (System.nanoTime() - start) / 1e9;
        boolean finished = done >= total;
        if (secs < 0.5 && !finished) {
            return; // a rate over a few microseconds means nothing
        }
        double rate = done / Math.max(secs, 1e-9);
        String docs = docsPerUnit > 0 ? String.format(Locale.ROOT, "%.1f documents/s, ", rate * docsPerUnit) : "";
        String line;
        if (finished) {
            line = String.format(Locale.ROOT, "%s %d/%d %s in %.1f s", label, done, total, unit, secs)
                    + (secs >= 0.5 ? String.format(Locale.ROOT, " (%s%.1f %s/s)", docs, rate, unit) : "");
        } else {
            line = String.format(Locale.ROOT, "%s %d/%d %s (%s%.1f %s/s, ETA %.0fs)", label, done, total, unit, docs,
                    rate, unit, (total - done) / rate);
        }
        show(line, total == 0 ? 10 : (int) ((long) done * 10 / total), finished);
    }

    private void show(String line, int decile, boolean finished) {
        if (tty) {
            err.print("\r" + line + (finished ? "\n" : ""));
        } else if (decile != lastDecile) {
            err.println(line);
        }
        lastDecile = decile;
    }
}
