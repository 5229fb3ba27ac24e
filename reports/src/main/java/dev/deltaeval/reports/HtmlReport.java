package dev.deltaeval.reports;

import dev.deltaeval.extrapolation.ExtrapolationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A self-contained HTML report: inline CSS, charts embedded as data: URIs (no external assets, so it can be mailed
 * or attached to a CI run), the paper table, every metric of every run, the extrapolation figures, the charts with
 * captions that say what they show, and the provenance of each result. It reads at a phone's width as at a
 * desktop's: wide tables scroll inside their own box, never the page.
 */
public final class HtmlReport {
    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 16px 32px;color:#222}",
            "h1{font-size:1.7em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}h3{font-size:1em;margin:1em 0 .3em}",
            ".wide{overflow-x:auto;max-width:100%}",
            "table{border-collapse:collapse;margin:.6em 0;font-size:14px}",
            "th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}th{background:#f3f3f3}",
            "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.name{white-space:nowrap}",
            "p.note{color:#555;font-size:14px}",
            // a table wider than the window scrolls inside its box; the model and Avg. columns stay in view
            "#paper-table td:first-child,#paper-table th:first-child{position:sticky;left:0;background:#fff}",
            "#paper-table td:last-child,#paper-table th:last-child{position:sticky;right:0;background:#fff;"
                    + "box-shadow:-2px 0 0 #ccc}#paper-table th:first-child,#paper-table th:last-child{background:#f3f3f3}",
            "figure{margin:.6em 0}img{max-width:100%;height:auto;border:1px solid #eee}",
            "figcaption{font-size:13px;color:#444}",
            ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}",
            "dl.prov{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 12px;font-size:13px;margin:0}",
            "dl.prov dt{color:#555}dl.prov dd{margin:0;overflow-wrap:anywhere;font-family:monospace}",
            "@media (max-width:600px){dl.prov{grid-template-columns:minmax(0,1fr)}dl.prov dd{margin-bottom:4px}}");

    private HtmlReport() {
    }

    /**
     * @param charts          section title -> PNG files, in order
     * @param otherProvenance per extrapolation or rank result: "result" (its file name) and its provenance fields
     */
    public static String render(String title, PaperTable table, List<EvalRun> runs,
                                List<ExtrapolationReport> extrapolations, Map<String, List<Path>> charts,
                                List<Map<String, Object>> otherProvenance) {
        return render(title, table, runs, extrapolations, charts, otherProvenance, List.of());
    }

    /** As above, with sections that result kinds write themselves, after the charts. */
    public static String render(String title, PaperTable table, List<EvalRun> runs,
                                List<ExtrapolationReport> extrapolations, Map<String, List<Path>> charts,
                                List<Map<String, Object>> otherProvenance, List<ReportSection> extra) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
                .append(esc(title)).append("</title>\n<style>\n").append(CSS).append("\n</style></head><body>\n<h1>")
                .append(esc(title)).append("</h1>\n");
        if (!runs.isEmpty()) {
            paperTable(h, table);
            allMetrics(h, runs);
        }
        for (Map.Entry<String, List<Path>> section : charts.entrySet()) {
            boolean extrapolation = section.getKey().equals("Length extrapolation");
            if (section.getValue().isEmpty() && !(extrapolation && !extrapolations.isEmpty())) {
                continue;
            }
            h.append("<section id=\"").append(id(section.getKey())).append("\"><h2>").append(esc(section.getKey()))
                    .append("</h2>\n");
            if (extrapolation) {
                extrapolationTable(h, extrapolations);
            }
            figures(h, section.getValue());
            h.append("</section>\n");
        }
        for (ReportSection section : extra) {
            h.append("<section id=\"").append(id(section.title())).append("\"><h2>").append(esc(section.title()))
                    .append("</h2>\n<ul>\n");
            section.lines().forEach(l -> h.append("<li>").append(esc(l)).append("</li>\n"));
            h.append("</ul>\n");
            if (!section.header().isEmpty()) {
                h.append("<div class=\"wide\"><table><thead><tr>");
                section.header().forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
                h.append("</tr></thead><tbody>\n");
                for (List<String> row : section.rows()) {
                    h.append("<tr>");
                    row.forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
                    h.append("</tr>\n");
                }
                h.append("</tbody></table></div>\n");
            }
            figures(h, section.charts());
            h.append("</section>\n");
        }
        provenance(h, runs, otherProvenance);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void paperTable(StringBuilder h, PaperTable table) {
        h.append("<section id=\"zero-shot\"><h2>Zero-shot results</h2>\n<div class=\"wide\"><table id=\"paper-table\">"
                + "<thead><tr><th>Model</th>");
        table.columns().forEach(c -> h.append("<th>").append(esc(c.label())).append("</th>"));
        h.append("<th>Avg.</th></tr></thead><tbody>\n");
        for (PaperTable.Row r : table.rows()) {
            h.append("<tr><td class=\"name\">").append(esc(r.label())).append("</td>");
            r.cells().forEach(c -> h.append("<td class=\"num\">").append(esc(c.text(true))).append("</td>"));
            h.append("<td class=\"num\">").append(r.average().map(a -> String.format(Locale.ROOT, "%.2f", a))
                    .orElse("–")).append("</td></tr>\n");
        }
        h.append("</tbody></table></div>\n<p class=\"note\">Accuracies in percent ± one standard error (sample std / "
                + "sqrt n); perplexities as lm-eval reports them, with its bootstrap standard error for LAMBADA (lm-eval "
                + "gives none for WikiText's word perplexity). " + esc(PaperTable.AVERAGE_NOTE) + "."
                + (table.hasSubstitutes() ? " " + esc(PaperTable.SUBSTITUTE_NOTE) + "." : "") + "</p></section>\n");
    }

    private static void allMetrics(StringBuilder h, List<EvalRun> runs) {
        h.append("<section id=\"metrics\"><h2>All metrics</h2>\n<div class=\"wide\"><table id=\"all-metrics\"><thead>"
                + "<tr><th>Task</th><th>Metric</th>");
        runs.forEach(r -> h.append("<th>").append(esc(r.label())).append("</th>"));
        h.append("</tr></thead><tbody>\n");
        TreeSet<String> tasks = new TreeSet<>();
        runs.forEach(r -> tasks.addAll(r.metrics().keySet()));
        for (String task : tasks) {
            TreeSet<String> metrics = new TreeSet<>();
            runs.forEach(r -> metrics.addAll(r.metrics().getOrDefault(task, Map.of()).keySet()));
            for (String m : metrics) {
                h.append("<tr><td class=\"name\">").append(esc(task)).append("</td><td class=\"name\">").append(esc(m))
                        .append("</td>");
                for (EvalRun r : runs) {
                    String cell = r.value(task, m).map(v -> {
                        double se = r.stderr(task, m);
                        return String.format(Locale.ROOT, "%,.4f", v) + (Double.isFinite(se)
                                ? String.format(Locale.ROOT, " ± %,.4f", se) : "");
                    }).orElse("–");
                    h.append("<td class=\"num\">").append(esc(cell)).append("</td>");
                }
                h.append("</tr>\n");
            }
        }
        h.append("</tbody></table></div>\n<p class=\"note\">Every metric as lm-eval reports it: accuracies as fractions "
                + "(0.5 = 50%), ± one standard error where lm-eval gives one.</p></section>\n");
    }

    private static void extrapolationTable(StringBuilder h, List<ExtrapolationReport> reports) {
        h.append("<div class=\"wide\"><table id=\"extrapolation-table\"><thead><tr><th>Model</th><th>Data</th>"
                + "<th>Length</th><th>Sequences</th><th>Training context</th><th>ppl at training context</th>"
                + "<th>ppl at the end</th><th>Exceeds training-context ppl by the margin at</th></tr></thead><tbody>\n");
        for (ExtrapolationReport r : reports) {
            double[] ppl = r.curves().perplexities();
            int train = r.trainContext();
            boolean within = train >= 1 && train <= ppl.length;
            int exceeds = r.curves().firstExceedance(train, r.margin());
            h.append("<tr><td class=\"name\">").append(esc(r.model())).append("</td><td class=\"name\">")
                    .append(esc(r.dataset())).append("</td>").append(num(String.format(Locale.ROOT, "%,d", r.maxLen())))
                    .append(num(Integer.toString(r.curves().sequences())))
                    .append(num(String.format(Locale.ROOT, "%,d", train)))
                    .append(num(within ? String.format(Locale.ROOT, "%,.3f", ppl[train - 1]) : "–"))
                    .append(num(String.format(Locale.ROOT, "%,.3f", ppl[ppl.length - 1])))
                    .append(num(!within || train >= ppl.length ? "n/a (not longer than the training context)"
                            : exceeds < 0 ? String.format(Locale.ROOT, "never (+%.0f%%)", 100 * r.margin())
                            : String.format(Locale.ROOT, "%,d (+%.0f%%)", exceeds, 100 * r.margin())))
                    .append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
    }

    private static String num(String text) {
        return "<td class=\"num\">" + esc(text) + "</td>";
    }

    /** Per-layer charts side by side in a grid; every other chart full width. */
    private static void figures(StringBuilder h, List<Path> pngs) {
        boolean inGrid = false;
        for (Path png : pngs) {
            boolean layer = png.getFileName().toString().matches(".*_state_layer\\d+\\.png");
            if (layer && !inGrid) {
                h.append("<div class=\"grid\">\n");
                inGrid = true;
            } else if (!layer && inGrid) {
                h.append("</div>\n");
                inGrid = false;
            }
            String caption = caption(png.getFileName().toString());
            h.append("<figure><img alt=\"").append(esc(caption)).append("\" src=\"data:image/png;base64,")
                    .append(base64(png)).append("\"><figcaption>").append(esc(caption)).append("</figcaption></figure>\n");
        }
        if (inGrid) {
            h.append("</div>\n");
        }
    }

    private static final Pattern EXTRAPOLATION = Pattern.compile("extrapolation_(.+)_(\\d+)_(loss|perplexity)\\.png");
    private static final Pattern RANK = Pattern.compile("rank_(.+)_(state_heatmap|state_layer(\\d+)|hidden)\\.png");

    /** What a chart shows, from the file name its writer gave it. */
    static String caption(String file) {
        if (file.equals("scores.png")) {
            return "Task scores in percent, with ± one standard error.";
        }
        Matcher e = EXTRAPOLATION.matcher(file);
        if (e.matches()) {
            return (e.group(3).equals("loss") ? "Loss per token position" : "Running perplexity (log scale)")
                    + " on " + e.group(1) + ", sequences of " + String.format(Locale.ROOT, "%,d", Long.parseLong(
                    e.group(2))) + " tokens; grey dashed: each model's training context.";
        }
        Matcher r = RANK.matcher(file);
        if (r.matches()) {
            String what = r.group(3) != null ? "Effective rank of the recurrent state, layer " + r.group(3)
                    + ", one line per head (red dashed: document starts; green dashed: training context)"
                    : r.group(2).equals("state_heatmap") ? "Mean effective rank of the recurrent state over heads, "
                    + "per layer and position (colour scale on the right)"
                    : "Effective rank of the hidden states per window";
            return what + "; " + r.group(1).replace('_', ' ') + ".";
        }
        return file;
    }

    private static void provenance(StringBuilder h, List<EvalRun> runs, List<Map<String, Object>> other) {
        h.append("<section id=\"provenance\"><h2>Provenance</h2>\n");
        for (EvalRun r : runs) {
            h.append("<h3>").append(esc(r.label())).append(": <code>").append(esc(r.file().getFileName().toString()))
                    .append("</code></h3>\n<dl class=\"prov\">");
            r.provenance().forEach((k, v) -> field(h, k, v));
            h.append("</dl>\n");
        }
        for (Map<String, Object> p : other) {
            h.append("<h3><code>").append(esc(String.valueOf(p.getOrDefault("result", "?")))).append("</code></h3>\n")
                    .append("<dl class=\"prov\">");
            p.forEach((k, v) -> {
                if (!k.equals("result")) {
                    field(h, k, v);
                }
            });
            h.append("</dl>\n");
        }
        h.append("</section>\n");
    }

    /** One field; a map (e.g. data hashes per file) as one line per entry rather than Java's {k=v} text. */
    private static void field(StringBuilder h, String key, Object value) {
        h.append("<dt>").append(esc(key)).append("</dt><dd>");
        if (value instanceof Map<?, ?> m && !m.isEmpty()) {
            StringBuilder lines = new StringBuilder();
            m.forEach((k, v) -> lines.append(lines.length() == 0 ? "" : "<br>").append(esc(k + ": " + v)));
            h.append(lines);
        } else {
            h.append(esc(String.valueOf(value)));
        }
        h.append("</dd>");
    }

    private static String id(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
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
