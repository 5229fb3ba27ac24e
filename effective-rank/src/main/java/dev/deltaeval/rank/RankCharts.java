package dev.deltaeval.rank;

import dev.deltaeval.charts.ChartFiles;
import dev.deltaeval.charts.ChartSupport;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Rank charts: per layer, the recurrent state's effective rank against token position with one line per head,
 * red dashed lines at document starts (BOS) and a green dashed line at the training context, as the DeltaProduct
 * script plots them; a layer x position heat map of the mean over heads; hidden-state effective rank per window.
 */
public final class RankCharts {
    private static final int MAX_POINTS = 2000;
    private static final int MAX_BOS_MARKERS = 100;
    private static final int HEAT_COLUMNS = 48;
    /** Head colours: no red and no green, which mark document starts and the training context. */
    private static final Color[] HEADS = {new Color(0x1f77b4), new Color(0x9467bd), new Color(0xff7f0e),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0x7f7f7f), new Color(0xbcbd22),
        new Color(0x393b79), new Color(0x637939)};
    private static final BasicStroke DASHED = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {5f, 4f}, 0f);

    private RankCharts() {
    }

    public static List<Path> write(RankReport r, Path dir, String stem) {
        if (ChartSupport.skip()) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        StateRanks s = r.states();
        if (s != null && s.substeps().length > 0) {
            for (int l = 0; l < s.layers(); l++) {
                files.addAll(ChartFiles.write(layerChart(r, l), dir.resolve(stem + "_state_layer" + l)));
            }
            files.addAll(ChartFiles.write(heatMap(r), dir.resolve(stem + "_state_heatmap")));
        }
        if (r.hidden() != null && r.hidden().windowStarts().length > 0) {
            files.addAll(ChartFiles.write(hiddenChart(r), dir.resolve(stem + "_hidden")));
        }
        return files;
    }

    private static XYChart layerChart(RankReport r, int layer) {
        StateRanks s = r.states();
        XYChart c = new XYChartBuilder().width(ChartFiles.WIDTH).height(ChartFiles.HEIGHT)
                .title(r.dataset() + " " + r.tokens() + " Layer " + layer + " (" + r.model() + ")")
                .xAxisTitle("Token position").yAxisTitle("Effective rank of the state S").build();
        style(c);
        double[] xs = new double[s.substeps().length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = s.position(i);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int h = 0; h < s.heads(); h++) {
            double[] ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                ys[i] = s.effectiveRank()[layer][i][h];
                lo = Math.min(lo, ys[i]);
                hi = Math.max(hi, ys[i]);
            }
            double[][] pts = ChartFiles.binned(xs, ys, MAX_POINTS, false);
            XYSeries series = c.addSeries("head " + h, pts[0], pts[1]);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(HEADS[h % HEADS.length]);
        }
        markers(c, r, xs[0], xs[xs.length - 1], lo, hi);
        return c;
    }

    /** BOS lines (at most MAX_BOS_MARKERS, evenly chosen) and the training-context line, inside the plotted range. */
    private static void markers(XYChart c, RankReport r, double x0, double x1, double lo, double hi) {
        long[] bos = r.bosPositions();
        int step = Math.max(1, (bos.length + MAX_BOS_MARKERS - 1) / MAX_BOS_MARKERS);
        boolean first = true;
        for (int i = 0; i < bos.length; i += step) {
            double x = bos[i];
            if (x < x0 || x > x1) {
                continue;
            }
            XYSeries m = c.addSeries((first ? "document start (BOS)" : "bos " + i), new double[] {x, x},
                    new double[] {lo, hi});
            m.setShowInLegend(first);
            first = false;
            vertical(m, new Color(0xd62728));
        }
        if (r.trainContext() > 0 && r.trainContext() >= x0 && r.trainContext() <= x1) {
            vertical(c.addSeries("training context (" + r.trainContext() + ")",
                    new double[] {r.trainContext(), r.trainContext()}, new double[] {lo, hi}), new Color(0x2ca02c));
        }
    }

    private static void vertical(XYSeries m, Color color) {
        m.setMarker(SeriesMarkers.NONE);
        m.setLineColor(color);
        m.setLineStyle(DASHED);
    }

    private static HeatMapChart heatMap(RankReport r) {
        StateRanks s = r.states();
        int captures = s.substeps().length;
        int cols = Math.min(HEAT_COLUMNS, captures);
        // XChart labels a heat map row only when it is about 75 px tall: room for every layer up to 15 layers
        int height = Math.max(ChartFiles.HEIGHT, Math.min(1400, 200 + 80 * s.layers()));
        HeatMapChart c = new HeatMapChartBuilder().width(ChartFiles.WIDTH).height(height)
                .title(r.dataset() + " " + r.tokens() + ": colour = mean effective rank over heads (" + r.model()
                        + ")").xAxisTitle("Token position (bin start)").yAxisTitle("Layer").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setRangeColors(new Color[] {new Color(0x30123b), new Color(0x4686fb), new Color(0x1ae4b6),
            new Color(0xa2fc3c), new Color(0xfaba39), new Color(0xe4460a), new Color(0x7a0403)});
        List<Long> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        List<Number[]> cells = new ArrayList<>();
        for (int b = 0; b < cols; b++) {
            xs.add(Math.round(s.position(b * captures / cols)));
        }
        for (int l = 0; l < s.layers(); l++) {
            ys.add(l);
            for (int b = 0; b < cols; b++) {
                double sum = 0;
                int n = 0;
                for (int i = b * captures / cols; i < (b + 1) * captures / cols; i++) {
                    for (int h = 0; h < s.heads(); h++) {
                        sum += s.effectiveRank()[l][i][h];
                        n++;
                    }
                }
                cells.add(new Number[] {b, l, Math.round(100 * sum / n) / 100.0});
            }
        }
        c.addSeries("effective rank", xs, ys, cells);
        return c;
    }

    private static XYChart hiddenChart(RankReport r) {
        HiddenRanks hr = r.hidden();
        XYChart c = new XYChartBuilder().width(ChartFiles.WIDTH).height(ChartFiles.HEIGHT)
                .title(r.dataset() + ": hidden-state effective rank per " + hr.window() + "-token window ("
                        + r.model() + ")").xAxisTitle("Token position (window start)").yAxisTitle("Effective rank")
                .build();
        style(c);
        double[] xs = new double[hr.windowStarts().length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = hr.windowStarts()[i];
        }
        for (int e = 0; e < hr.names().size(); e++) {
            double[] ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                ys[i] = hr.windowed()[e][i].effectiveRank();
            }
            XYSeries series = c.addSeries(hr.names().get(e), xs, ys);
            series.setLineColor(ChartFiles.color(e));
            series.setMarkerColor(ChartFiles.color(e));
            series.setMarker(xs.length > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        return c;
    }

    private static void style(XYChart c) {
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setXAxisDecimalPattern("#,##0"); // token positions: no 31.5 ticks
        c.getStyler().setMarkerSize(4);
        c.getStyler().setPlotGridLinesVisible(true);
    }
}
