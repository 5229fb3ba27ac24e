package dev.deltaeval.charts;

import dev.deltaeval.common.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes a chart as PNG and SVG next to each other ({@code base.png}, {@code base.svg}), each atomically, so an
 * interrupted run never leaves a half-written image behind.
 */
public final class ChartFiles {
    /** Default size of every DeltaEval chart, in pixels. */
    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;

    private ChartFiles() {
    }

    /** @return the two files written: PNG first, then SVG */
    public static List<Path> write(Chart<?, ?> chart, Path base) {
        Path png = base.resolveSibling(base.getFileName() + ".png");
        Path svg = base.resolveSibling(base.getFileName() + ".svg");
        try {
            AtomicFiles.writeBytes(png, ChartEncoder.getBytes(chart, "png"));
            AtomicFiles.writeBytes(svg, ChartEncoder.getBytes(chart, "svg"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + base + ": " + e.getMessage(), e);
        }
        return List.of(png, svg);
    }

    /** Centred moving average over {@code window} points (1 = unchanged); the ends use the points available. */
    public static double[] smooth(double[] ys, int window) {
        if (window <= 1) {
            return ys.clone();
        }
        int half = window / 2;
        double[] prefix = new double[ys.length + 1];
        for (int i = 0; i < ys.length; i++) {
            prefix[i + 1] = prefix[i] + ys[i];
        }
        double[] out = new double[ys.length];
        for (int i = 0; i < ys.length; i++) {
            int lo = Math.max(0, i - half);
            int hi = Math.min(ys.length, i + half + 1);
            out[i] = (prefix[hi] - prefix[lo]) / (hi - lo);
        }
        return out;
    }

    /**
     * At most about {@code max} points: the mean (x, y) of each bin, bins equally wide on a linear axis or in log(x)
     * on a log axis, so a 32k-point per-token curve stays readable (and small as SVG) and early positions keep
     * their resolution on a log axis. Curves with at most {@code max} points are returned unchanged.
     */
    public static double[][] binned(double[] xs, double[] ys, int max, boolean logX) {
        if (xs.length <= max) {
            return new double[][] {xs.clone(), ys.clone()};
        }
        double lo = logX ? Math.log(xs[0]) : xs[0];
        double width = ((logX ? Math.log(xs[xs.length - 1]) : xs[xs.length - 1]) - lo) / max;
        double[] sx = new double[max];
        double[] sy = new double[max];
        int[] n = new int[max];
        for (int i = 0; i < xs.length; i++) {
            double v = logX ? Math.log(xs[i]) : xs[i];
            int b = Math.min(max - 1, (int) ((v - lo) / width));
            sx[b] += xs[i];
            sy[b] += ys[i];
            n[b]++;
        }
        int used = 0;
        for (int c : n) {
            used += c > 0 ? 1 : 0;
        }
        double[][] out = new double[2][used];
        for (int b = 0, k = 0; b < max; b++) {
            if (n[b] > 0) {
                out[0][k] = sx[b] / n[b];
                out[1][k++] = sy[b] / n[b];
            }
        }
        return out;
    }

    private static final java.awt.Color[] PALETTE = {new java.awt.Color(0x1f77b4), new java.awt.Color(0xd62728),
        new java.awt.Color(0x2ca02c), new java.awt.Color(0x9467bd), new java.awt.Color(0xff7f0e),
        new java.awt.Color(0x8c564b), new java.awt.Color(0xe377c2), new java.awt.Color(0x17becf),
        new java.awt.Color(0x7f7f7f), new java.awt.Color(0xbcbd22)};

    /** The i-th colour of a fixed, colour-blind-friendly-ish palette (matplotlib's tab10), cycling. */
    public static java.awt.Color color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }
}
