package dev.deltaeval.reports;

import dev.deltaeval.charts.ChartFiles;
import dev.deltaeval.charts.ChartSupport;
import dev.deltaeval.extrapolation.ExtrapolationCharts;
import dev.deltaeval.extrapolation.ExtrapolationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/** The report's charts: task scores with stderr whiskers, and extrapolation curves overlaid per dataset. */
public final class ReportCharts {
    private ReportCharts() {
    }

    /** Accuracy-type columns of the paper table, grouped by task, one bar per checkpoint with +-1 stderr. */
    public static List<Path> scores(PaperTable table, Path dir) {
        if (ChartSupport.skip()) {
            return List.of();
        }
        return ChartFiles.write(scoresChart(table), dir.resolve("scores"));
    }

    /** The accuracy-type columns (percentages) that some row has. */
    static List<Integer> accuracyColumns(PaperTable table) {
        List<Integer> accCols = new ArrayList<>();
        for (int i = 0; i < table.columns().size(); i++) {
            int col = i;
            if (table.columns().get(i).scale() == 100
                    && table.rows().stream().anyMatch(r -> r.cells().get(col).value().isPresent())) {
                accCols.add(i);
            }
        }
        return accCols;
    }

    /** The chance level of each charted column (null where guessing has none: exact words, generation). */
    static List<Double> chanceLevels(PaperTable table) {
        return accuracyColumns(table).stream().map(i -> table.columns().get(i).chance())
                .map(v -> Double.isNaN(v) ? null : v).toList();
    }

    static CategoryChart scoresChart(PaperTable table) {
        CategoryChart c = new CategoryChartBuilder().width(ChartFiles.WIDTH).height(ChartFiles.HEIGHT)
                .title("Zero-shot scores (± 1 standard error)").xAxisTitle("Task").yAxisTitle("Score (%)").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setErrorBarsColorSeriesColor(false);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        List<Integer> accCols = accuracyColumns(table);
        List<String> labels = accCols.stream().map(i -> table.columns().get(i).label()).toList();
        for (int r = 0; r < table.rows().size(); r++) {
            PaperTable.Row row = table.rows().get(r);
            List<Double> ys = new ArrayList<>();
            List<Double> errs = new ArrayList<>();
            for (int i : accCols) {
                PaperTable.Cell cell = row.cells().get(i);
                ys.add(cell.value().orElse(0.0));
                errs.add(Double.isFinite(cell.stderr()) && cell.value().isPresent() ? cell.stderr() : 0.0);
            }
            CategorySeries s = c.addSeries(unique(c, row.label()), labels, ys, errs);
            s.setFillColor(ChartFiles.color(r));
        }
        // what guessing scores, so that a bar near it reads as "no better than chance"
        List<Double> chance = chanceLevels(table);
        if (chance.stream().anyMatch(java.util.Objects::nonNull)) {
            CategorySeries ch = c.addSeries(unique(c, "chance level"), labels, chance);
            ch.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
            ch.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.DIAMOND);
            ch.setMarkerColor(java.awt.Color.BLACK);
        }
        return c;
    }

    /** One pair of charts (loss, perplexity) per dataset and max_len, every checkpoint overlaid. */
    public static List<Path> extrapolation(List<ExtrapolationReport> reports, Path dir) {
        if (ChartSupport.skip()) {
            return List.of();
        }
        Map<String, List<ExtrapolationReport>> groups = new LinkedHashMap<>();
        for (ExtrapolationReport r : reports) {
            groups.computeIfAbsent(r.dataset() + "_" + r.maxLen(), k -> new ArrayList<>()).add(r);
        }
        List<Path> files = new ArrayList<>();
        groups.forEach((stem, rs) -> files.addAll(ExtrapolationCharts.write(rs, dir, "extrapolation_" + stem, 1)));
        return files;
    }

    private static String unique(CategoryChart c, String name) {
        String n = name;
        for (int i = 2; c.getSeries(n) != null; i++) {
            n = name + " #" + i;
        }
        return n;
    }
}
