package dev.deltaeval.extrapolation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deltaeval.charts.ChartAssertions;
import dev.deltaeval.charts.ChartFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart files are real PNG and SVG images of the expected size with the curves drawn on them. */
class ChartsTest {
    static ExtrapolationReport report(String model, double scale, int train) {
        int n = 300;
        double[] ppl = new double[n];
        double[] acc = new double[n];
        double[] tok = new double[n];
        for (int t = 0; t < n; t++) {
            tok[t] = scale * (3 + Math.sin(t / 10.0) + (t > train ? (t - train) / 50.0 : 0));
            ppl[t] = Math.exp(tok[t]);
            acc[t] = 0.3;
        }
        return new ExtrapolationReport("demo", n + 1, model, train, 64, 0.1,
                new PositionCurves.Curves(ppl, acc, tok, 1), Map.of());
    }

    @Test
    void pngAndSvgAreValidSizedAndNotBlank(@TempDir Path dir) throws Exception {
        List<Path> files = ExtrapolationCharts.write(List.of(report("DN", 1.0, 100), report("DP2", 0.9, 150)), dir,
                "demo_301", 5);
        assertEquals(4, files.size());
        for (Path f : files) {
            if (f.toString().endsWith(".png")) {
                ChartAssertions.assertPng(f, ChartFiles.WIDTH, ChartFiles.HEIGHT, 4);
            } else {
                ChartAssertions.assertSvg(f);
            }
        }
    }

    @Test
    void smoothingAndBinning() {
        double[] ys = {0, 3, 6, 3, 0};
        double[] sm = ChartFiles.smooth(ys, 3);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1.5, 3, 4, 3, 1.5}, sm, 1e-12);
        double[] xs = {1, 2, 3, 4, 5, 6, 7, 8};
        double[][] lin = ChartFiles.binned(xs, xs, 4, false); // bins of width 7/4 over [1, 8]
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1.5, 3.5, 5.5, 7.5}, lin[0], 1e-12);
        double[] nine = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[][] log = ChartFiles.binned(nine, new double[] {0, 0, 0, 0, 0, 0, 0, 0, 9}, 3, true); // edges 2.08, 4.33
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1.5, 3.5, 7}, log[0], 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0, 1.8}, log[1], 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(xs, ChartFiles.binned(xs, xs, 8, true)[0]);
    }
}
