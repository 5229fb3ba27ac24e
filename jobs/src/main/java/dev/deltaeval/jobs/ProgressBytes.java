package dev.deltaeval.jobs;

import dev.deltaeval.checkpoints.hub.HubDownloader;
import java.util.Locale;

/** Download progress on stderr: bytes, bytes/s, per file; in place on a terminal, every 10% otherwise. */
public final class ProgressBytes implements HubDownloader.Listener {
    private final String label;
    private final boolean tty = System.console() != null;
    private long start = System.nanoTime();
    private String file;
    private long lastDecile = -1;

    public ProgressBytes(String label) {
        this.label = label;
    }

    @Override
    public void bytes(String f, long done, long total) {
        if (!f.equals(file)) {
            file = f;
            start = System.nanoTime();
            lastDecile = -1;
        }
        long decile = total == 0 ? 10 : done * 10 / total;
        if (!tty && decile == lastDecile) {
            return;
        }
        lastDecile = decile;
        double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        String line = String.format(Locale.ROOT, "%s %s %.1f/%.1f MB (%.1f MB/s)", label, f, done / 1e6, total / 1e6,
                done / 1e6 / secs);
        System.err.print(tty ? "\r" + line + (done >= total ? "\n" : "") : line + "\n");
    }

    @Override
    public void skipped(String f) {
        System.err.println(label + " " + f + ": already in the cache");
    }
}
