package dev.deltaeval.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A self-contained HTML report: inline CSS, charts embedded as data: URIs (no external assets, so it can be mailed
 * or attached to a CI run), the paper table, every metric of every run, and the provenance of each number.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String render(String title, PaperTable table, List<EvalRun> runs, Map<String, List<Path>> charts,
                                List<Map<String, Object>> otherProvenance) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}\n")
                .append("table{border-collapse:collapse;margin:1em 0;font-size:14px}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px}th{background:#f3f3f3}")
                .append("td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("img{max-width:100%;border:1px solid #eee;margin:0.5em 0}code{font-size:12px}\n")
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        if (!runs.isEmpty()) {
            h.append("<h2>Zero-shot results</h2>\n<table id=\"paper-table\"><thead><tr><th>Model</th>");
            table.columns().forEach(c -> h.append("<th>").append(esc(c.label())).append("</th>"));
            h.append("<th>Avg.</th></tr></thead><tbody>\n");
            for (PaperTable.Row r : table.rows()) {
                h.append("<tr><td>").append(esc(r.label())).append("</td>");
                r.cells().forEach(c -> h.append("<td class=\"num\">").append(esc(c.text(true))).append("</td>"));
                h.append("<td class=\"num\">").append(r.average().map(a -> String.format(Locale.ROOT, "%.2f", a))
                        .orElse("–")).append("</td></tr>\n");
            }
            h.append("</tbody></table>\n<p>Accuracies in percent ± one standard error (sample std / sqrt n); "
                    + "perplexities as lm-eval reports them. Avg. is the mean of the accuracy columns present.</p>\n");
            allMetrics(h, runs);
        }
        for (Map.Entry<String, List<Path>> section : charts.entrySet()) {
            if (section.getValue().isEmpty()) {
                continue;
            }
            h.append("<h2>").append(esc(section.getKey())).append("</h2>\n");
            for (Path png : section.getValue()) {
                h.append("<figure><img alt=\"").append(esc(png.getFileName().toString())).append("\" src=\"data:image/png;base64,")
                        .append(base64(png)).append("\"><figcaption><code>").append(esc(png.getFileName().toString()))
                        .append("</code></figcaption></figure>\n");
            }
        }
        provenance(h, runs, otherProvenance);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void allMetrics(StringBuilder h, List<EvalRun> runs) {
        h.append("<h2>All metrics</h2>\n<table id=\"all-metrics\"><thead><tr><th>Task</th><th>Metric</th>");
        runs.forEach(r -> h.append("<th>").append(esc(r.label())).append("</th>"));
        h.append("</tr></thead><tbody>\n");
        TreeSet<String> tasks = new TreeSet<>();
        runs.forEach(r -> tasks.addAll(r.metrics().keySet()));
        for (String task : tasks) {
            TreeSet<String> metrics = new TreeSet<>();
            runs.forEach(r -> metrics.addAll(r.metrics().getOrDefault(task, Map.of()).keySet()));
            for (String m : metrics) {
                h.append("<tr><td>").append(esc(task)).append("</td><td>").append(esc(m)).append("</td>");
                for (EvalRun r : runs) {
                    String cell = r.value(task, m).map(v -> {
                        double se = r.stderr(task, m);
                        return String.format(Locale.ROOT, "%.4f", v) + (Double.isFinite(se)
                                ? String.format(Locale.ROOT, " ± %.4f", se) : "");
                    }).orElse("–");
                    h.append("<td class=\"num\">").append(esc(cell)).append("</td>");
                }
                h.append("</tr>\n");
            }
        }
        h.append("</tbody></table>\n");
    }

    private static void provenance(StringBuilder h, List<EvalRun> runs, List<Map<String, Object>> other) {
        h.append("<h2>Provenance</h2>\n<table id=\"provenance\"><thead><tr><th>Result</th><th>Field</th><th>Value</th>"
                + "</tr></thead><tbody>\n");
        for (EvalRun r : runs) {
            row(h, r.file().getFileName().toString(), "model", r.label());
            r.provenance().forEach((k, v) -> row(h, r.file().getFileName().toString(), k, String.valueOf(v)));
        }
        for (Map<String, Object> p : other) {
            String name = String.valueOf(p.getOrDefault("result", "?"));
            p.forEach((k, v) -> {
                if (!k.equals("result")) {
                    row(h, name, k, String.valueOf(v));
                }
            });
        }
        h.append("</tbody></table>\n");
    }

    private static void row(StringBuilder h, String result, String field, String value) {
        h.append("<tr><td>").append(esc(result)).append("</td><td>").append(esc(field)).append("</td><td><code>")
                .append(esc(value)).append("</code></td></tr>\n");
    }

    private static String base64(Path png) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(png));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot embed chart " + png, e);
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
