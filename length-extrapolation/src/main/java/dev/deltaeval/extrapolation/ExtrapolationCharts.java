package dev.deltaeval.extrapolation;

import dev.deltaeval.charts.ChartFiles;
import dev.deltaeval.charts.ChartSupport;
import java.awt.BasicStroke;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Length-extrapolation charts, one line per checkpoint: per-position loss against position (log x-axis) and running
 * perplexity against position (log x and y: a linear y is all first tokens), each with a grey dashed vertical marker
 * at the checkpoint's training context. The per-position loss of a few sequences is noise, so unless a moving
 * average is asked for it is shown as the mean over log-spaced bins of positions, which on a log axis smooths
 * evenly; long running-perplexity curves are binned the same way only where they have far more points than pixels.
 */
public final class ExtrapolationCharts {
    private static final int MAX_POINTS = 2000;
    private static final int LOSS_BINS = 200;
    private static final java.awt.Color MARKER = new java.awt.Color(0x555555);

    private ExtrapolationCharts() {
    }

    /** @return the PNG and SVG files of both charts */
    public static List<Path> write(List<ExtrapolationReport> reports, Path dir, String stem, int smooth) {
        if (ChartSupport.skip()) {
            return List.of();
        }
        if (reports.isEmpty()) {
            throw new ExtrapolationException("no results to plot");
        }
        String title = reports.get(0).dataset();
        List<Path> files = new ArrayList<>();
        XYChart loss = chart(title + ": loss per position" + (smooth > 1 ? " (moving average of " + smooth + ")"
                : " (mean over log-spaced bins of positions)"), "Cross-entropy (nats)");
        XYChart ppl = chart(title + ": running perplexity", "Perplexity of tokens 1..t (log scale)");
        ppl.getStyler().setYAxisLogarithmic(true);
        for (int i = 0; i < reports.size(); i++) {
            ExtrapolationReport r = reports.get(i);
            double[] xs = positions(r.curves().tokenLosses().length);
            double[][] lossPts = smooth > 1 ? thin(xs, ChartFiles.smooth(r.curves().tokenLosses(), smooth))
                    : ChartFiles.binned(xs, r.curves().tokenLosses(), LOSS_BINS, true);
            add(loss, r.model(), lossPts, r.trainContext(), ChartFiles.color(i));
            add(ppl, r.model(), thin(xs, r.curves().perplexities()), r.trainContext(), ChartFiles.color(i));
        }
        files.addAll(ChartFiles.write(loss, dir.resolve(stem + "_loss")));
        files.addAll(ChartFiles.write(ppl, dir.resolve(stem + "_perplexity")));
        return files;
    }

    /** A curve as it is, or binned where it has more than twice as many points as a chart can show. */
    private static double[][] thin(double[] xs, double[] ys) {
        return xs.length > 2 * MAX_POINTS ? ChartFiles.binned(xs, ys, MAX_POINTS, true) : new double[][] {xs, ys};
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(ChartFiles.WIDTH).height(ChartFiles.HEIGHT).title(title)
                .xAxisTitle("Token position t (log scale)").yAxisTitle(yTitle).build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setXAxisDecimalPattern("#,##0");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setPlotGridLinesVisible(true);
        return c;
    }

    private static void add(XYChart chart, String name, double[][] pts, int trainContext, java.awt.Color color) {
        XYSeries s = chart.addSeries(unique(chart, name), pts[0], pts[1]);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        if (trainContext > 0 && trainContext <= pts[0][pts[0].length - 1]) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double y : pts[1]) {
                if (Double.isFinite(y)) {
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
            XYSeries m = chart.addSeries(unique(chart, name + " training context (" + trainContext + ")"),
                    new double[] {trainContext, trainContext}, new double[] {lo, hi});
            m.setMarker(SeriesMarkers.NONE);
            m.setLineColor(MARKER);
            m.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
        }
    }

    private static String unique(XYChart chart, String name) {
        String n = name;
        for (int i = 2; chart.getSeries(n) != null; i++) {
            n = name + " #" + i;
        }
        return n;
    }

    /** 1-based positions: the loss at index t is for the (t+1)-th predicted token. */
    private static double[] positions(int n) {
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = i + 1;
        }
        return xs;
    }
}
