package dev.deltaeval.extrapolation;

import dev.deltaeval.core.charts.ChartFiles;
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
 * Length-extrapolation charts, one line per checkpoint: per-position loss against position (log x-axis, optionally
 * smoothed) and running perplexity against position, each with a dashed vertical marker at the checkpoint's
 * training context.
 */
public final class ExtrapolationCharts {
    private static final int MAX_POINTS = 2000;

    private ExtrapolationCharts() {
    }

    /** @return the PNG and SVG files of both charts */
    public static List<Path> write(List<ExtrapolationReport> reports, Path dir, String stem, int smooth) {
        if (reports.isEmpty()) {
            throw new ExtrapolationException("no results to plot");
        }
        String title = reports.get(0).dataset();
        List<Path> files = new ArrayList<>();
        XYChart loss = chart(title + ": loss per position" + (smooth > 1 ? " (moving average of " + smooth + ")" : ""),
                "Cross-entropy (nats)", true);
        XYChart ppl = chart(title + ": running perplexity", "Perplexity of tokens 1..t", true);
        for (int i = 0; i < reports.size(); i++) {
            ExtrapolationReport r = reports.get(i);
            double[] xs = positions(r.curves().tokenLosses().length);
            double[] smoothed = ChartFiles.smooth(r.curves().tokenLosses(), smooth);
            add(loss, r.model(), xs, smoothed, r.trainContext(), ChartFiles.color(i));
            add(ppl, r.model(), xs, r.curves().perplexities(), r.trainContext(), ChartFiles.color(i));
        }
        files.addAll(ChartFiles.write(loss, dir.resolve(stem + "_loss")));
        files.addAll(ChartFiles.write(ppl, dir.resolve(stem + "_perplexity")));
        return files;
    }

    private static XYChart chart(String title, String yTitle, boolean logX) {
        XYChart c = new XYChartBuilder().width(ChartFiles.WIDTH).height(ChartFiles.HEIGHT).title(title)
                .xAxisTitle("Token position t" + (logX ? " (log scale; curves binned to " + MAX_POINTS + " points)" : "")).yAxisTitle(yTitle).build();
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setPlotGridLinesVisible(true);
        return c;
    }

    private static void add(XYChart chart, String name, double[] xs, double[] ys, int trainContext,
                            java.awt.Color color) {
        double[][] pts = ChartFiles.binned(xs, ys, MAX_POINTS, true);
        XYSeries s = chart.addSeries(unique(chart, name), pts[0], pts[1]);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        if (trainContext > 0 && trainContext <= xs.length) {
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
            m.setLineColor(color);
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
