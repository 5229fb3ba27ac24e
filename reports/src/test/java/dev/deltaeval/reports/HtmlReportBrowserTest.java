package dev.deltaeval.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.extrapolation.ExtrapolationReport;
import dev.deltaeval.extrapolation.PositionCurves;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The HTML report in a real headless Chromium (Debian's package, installed by .ci/run): it loads without console
 * errors, shows the tables and every chart with a caption, every section has its numbers, and neither a desktop
 * (1280 px) nor a phone (390 px) window scrolls sideways. The test keeps screenshots of both in target/.
 */
class HtmlReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Selenium warns when Chromium's DevTools version is not among its bundled ones; DevTools is unused here. */
    static final java.util.logging.Logger CDP_LOG =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    @Test
    void reportLoadsWithoutErrorsAndShowsTablesAndCharts(@TempDir Path dir) throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (System.getenv("CI") != null) {
            assertTrue(present, "CI must have Chromium and ChromeDriver (.ci/run installs chromium chromium-driver)");
        }
        assumeTrue(present, "Chromium not installed (apt-get install chromium chromium-driver)");

        Path a = ComparisonTest.run(dir.resolve("eval/a"), "dp2", SyntheticRuns.ones(100, 30, 0),
                SyntheticRuns.ones(100, 40, 1), ComparisonTest.lls(50, 0), "h");
        Path b = ComparisonTest.run(dir.resolve("eval/b"), "dn", SyntheticRuns.ones(100, 45, 0),
                SyntheticRuns.ones(100, 50, 1), ComparisonTest.lls(50, -0.1), "h");
        double[] ppl = new double[500];
        double[] tok = new double[500];
        for (int t = 0; t < ppl.length; t++) {
            tok[t] = 3 + Math.cos(t / 20.0);
            ppl[t] = Math.exp(3 + 1.0 / (t + 1));
        }
        AtomicFiles.writeJson(dir.resolve("ex/demo_501_dp2.json"), new ExtrapolationReport("demo", 501, "dp2", 256,
                128, 0.1, new PositionCurves.Curves(ppl, new double[500], tok, 2), Map.of("seed", 0)).toJson());
        // a rank result as `rank` leaves it: JSON with provenance, charts in plots/ beside it (any PNG will do)
        Path rank = dir.resolve("rank");
        Files.createDirectories(rank.resolve("plots"));
        Files.writeString(rank.resolve("rank_demo_256_dp2.json"), "{\"recurrent_state\": {}, \"provenance\": "
                + "{\"harness_version\": \"deltaeval test\", \"device\": \"cpu\", \"data_sha256\": {\"a.jsonl\": "
                + "\"" + "ab".repeat(32) + "\", \"b.jsonl\": \"" + "cd".repeat(32) + "\"}}}");
        Path out = dir.resolve("report");
        ReportBuilder.build(ReportInputs.scan(List.of(a, b, dir.resolve("ex"))), out.resolveSibling("charts-only"),
                "charts");
        for (String chart : List.of("state_heatmap", "state_layer0", "state_layer1", "hidden")) {
            Files.copy(out.resolveSibling("charts-only").resolve("charts").resolve("scores.png"),
                    rank.resolve("plots").resolve("rank_demo_256_dp2_" + chart + ".png"));
        }
        ReportBuilder.build(ReportInputs.scan(List.of(a, b, dir.resolve("ex"), rank)), out, "Browser test report");

        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        CDP_LOG.setLevel(Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,2000", "--user-data-dir=" + dir.resolve("profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver driver = new ChromeDriver(options);
        try {
            driver.get(out.resolve("report.html").toUri().toString());
            assertEquals("Browser test report", driver.getTitle());
            List<WebElement> rows = driver.findElements(By.cssSelector("#paper-table tbody tr"));
            assertEquals(2, rows.size(), "one row per checkpoint");
            assertTrue(rows.get(0).getText().startsWith("dp2"), rows.get(0).getText());
            assertTrue(driver.findElements(By.cssSelector("#all-metrics tbody tr")).size() >= 3);
            assertEquals(4, driver.findElements(By.cssSelector("#provenance dl.prov")).size(), "two eval runs, one "
                    + "extrapolation, one rank result, each with its provenance");
            List<WebElement> images = driver.findElements(By.tagName("img"));
            assertEquals(7, images.size(), "scores chart, two extrapolation charts, four rank charts");
            for (WebElement caption : driver.findElements(By.tagName("figcaption"))) {
                assertTrue(!caption.getText().endsWith(".png") && caption.getText().length() > 20,
                        "a caption says what the chart shows: " + caption.getText());
            }
            // every section has its numbers: the paper table's cells, the extrapolation figures, provenance per result
            for (String section : List.of("#paper-table tbody", "#extrapolation-table tbody", "#provenance")) {
                assertTrue(driver.findElement(By.cssSelector(section)).getText().matches("(?s).*\\d.*"),
                        section + " shows no numbers");
            }
            String ex = driver.findElement(By.cssSelector("#extrapolation-table tbody")).getText();
            assertTrue(ex.contains("dp2") && ex.contains("256") && ex.contains("20.") && ex.contains("never"), ex);
            String prov = driver.findElement(By.id("provenance")).getText();
            assertTrue(prov.contains("rank_demo_256_dp2.json") && prov.contains("a.jsonl: " + "ab".repeat(32)), prov);
            assertTrue(!prov.contains("{") && !prov.contains("cpu()"), "no Java map or DJL device text: " + prov);
            for (WebElement img : images) {
                Object width = ((JavascriptExecutor) driver).executeScript(
                        "return arguments[0].complete ? arguments[0].naturalWidth : 0;", img);
                assertTrue(((Number) width).intValue() > 0, img.getAttribute("alt") + " did not render");
                assertTrue(img.isDisplayed(), img.getAttribute("alt") + " is not visible");
            }
            List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
            assertEquals(List.of(), errors, "console errors");
            for (int width : new int[] {1280, 390}) {
                driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, 2000));
                Object sideways = ((JavascriptExecutor) driver).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertEquals(0L, ((Number) sideways).longValue(), "the page scrolls sideways at " + width + " px");
                // the paper table may scroll inside its box, but its Avg. column stays visible
                Object avgInView = ((JavascriptExecutor) driver).executeScript(
                        "var t = document.getElementById('paper-table'); var box = t.parentElement"
                        + ".getBoundingClientRect(); var avg = t.querySelector('th:last-child').getBoundingClientRect();"
                        + "return avg.left >= box.left - 1 && avg.right <= box.right + 1;");
                assertEquals(Boolean.TRUE, avgInView, "Avg. column hidden at " + width + " px");
                byte[] png = driver.getScreenshotAs(OutputType.BYTES);
                Files.write(Path.of("target/report-screenshot-" + width + ".png"), png);
                assertTrue(png.length > 10_000, "screenshot of " + png.length + " bytes");
            }
        } finally {
            driver.quit();
        }
    }
}
