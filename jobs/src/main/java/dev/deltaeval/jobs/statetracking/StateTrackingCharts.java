package dev.deltaeval.jobs.statetracking;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltaeval.charts.ChartFiles;
import dev.deltaeval.charts.ChartSupport;
import java.awt.BasicStroke;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The paper's Figure 1 for one group and test length: accuracy (the share of sequences right up to position t)
 * against sequence length, one line per checkpoint, and a dash-dot line at the training length.
 */
final class StateTrackingCharts {
    private static final java.awt.Color MARKER = new java.awt.Color(0x555555);

    private StateTrackingCharts() {
    }

    /** @param results the result files of one group and length; @return the PNG and SVG written */
    static List<Path> write(List<JsonNode> results, Path base) {
        if (ChartSupport.skip()) {
            return List.of();
        }
        JsonNode first = results.get(0);
        XYChart c = new XYChartBuilder().width(ChartFiles.WIDTH).height(ChartFiles.HEIGHT)
                .title(first.get("group").asText() + ": accuracy by sequence length")
                .xAxisTitle("Sequence length").yAxisTitle("Accuracy (all positions up to t right)").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setPlotGridLinesVisible(true);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        for (int i = 0; i < results.size(); i++) {
            JsonNode r = results.get(i);
            JsonNode curve = r.get("prefix_sequence_accuracy");
            double[] xs = new double[curve.size()];
            double[] ys = new double[curve.size()];
            for (int t = 0; t < xs.length; t++) {
                xs[t] = t;
                ys[t] = curve.get(t).asDouble();
            }
            XYSeries s = c.addSeries(seriesName(r, results), xs, ys);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(ChartFiles.color(i));
        }
        int kTrain = first.get("k_train").asInt();
        if (kTrain > 0 && kTrain < first.get("k_test").asInt()) {
            XYSeries m = c.addSeries("training length " + kTrain, new double[] {kTrain, kTrain}, new double[] {0, 1});
            m.setMarker(SeriesMarkers.NONE);
            m.setLineColor(MARKER);
            m.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {8f, 4f, 2f, 4f}, 0f));
        }
        return ChartFiles.write(c, base);
    }

    /** The paper's label of the configuration; the model's name beside it when two lines would share a label. */
    static String seriesName(JsonNode r, List<JsonNode> all) {
        String label = r.path("label").asText(r.get("model").asText());
        long same = all.stream().filter(o -> o.path("label").asText(o.get("model").asText()).equals(label)).count();
        return same > 1 ? label + " (" + r.get("model").asText() + ")" : label;
    }
}
