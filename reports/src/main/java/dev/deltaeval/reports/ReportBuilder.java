package dev.deltaeval.reports;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.extrapolation.ExtrapolationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Builds report.html, report.md and the chart files in one output folder from scanned inputs. */
public final class ReportBuilder {
    private ReportBuilder() {
    }

    /** The files written: report.html, report.md, then the charts. */
    public static List<Path> build(ReportInputs in, Path out, String title) throws IOException {
        return build(in, out, title, List.of());
    }

    /** As above, with sections that result kinds write themselves. */
    public static List<Path> build(ReportInputs in, Path out, String title, List<ReportSection> extra)
            throws IOException {
        Files.createDirectories(out);
        Path charts = out.resolve("charts");
        PaperTable table = PaperTable.of(in.evals());
        Map<String, List<Path>> sections = new LinkedHashMap<>();
        List<Path> written = new ArrayList<>();
        if (!in.evals().isEmpty()) {
            List<Path> f = ReportCharts.scores(table, charts);
            written.addAll(f);
            sections.put("Task scores", pngs(f));
        }
        if (!in.extrapolations().isEmpty()) {
            List<Path> f = ReportCharts.extrapolation(in.extrapolations(), charts);
            written.addAll(f);
            sections.put("Length extrapolation", pngs(f));
        }
        if (!in.ranks().isEmpty()) {
            sections.put("Effective rank", rankCharts(in.ranks()));
        }
        List<Map<String, Object>> other = new ArrayList<>();
        for (ExtrapolationReport r : in.extrapolations()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("result", ExtrapolationReport.fileName(r.dataset(), r.maxLen(), r.model()));
            p.putAll(r.provenance());
            other.add(p);
        }
        Path html = out.resolve("report.html");
        for (Path rank : in.ranks()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("result", rank.getFileName().toString());
            com.fasterxml.jackson.databind.JsonNode prov = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(rank.toFile()).path("provenance");
            if (prov.isObject()) {
                p.putAll(new com.fasterxml.jackson.databind.ObjectMapper().convertValue(prov,
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
                other.add(p);
            }
        }
        AtomicFiles.writeString(html, HtmlReport.render(title, table, in.evals(), in.extrapolations(), sections,
                other, extra));
        Path md = out.resolve("report.md");
        StringBuilder markdown = new StringBuilder(markdown(title, table, in, sections, out));
        for (ReportSection s : extra) {
            markdown.append("\n## ").append(s.title()).append("\n\n");
            s.lines().forEach(l -> markdown.append("- ").append(l).append('\n'));
            if (!s.header().isEmpty()) {
                markdown.append('\n').append(s.markdownTable());
            }
            s.charts().forEach(f -> markdown.append("\n![").append(f.getFileName()).append("](").append(rel(out, f))
                    .append(")\n"));
        }
        AtomicFiles.writeString(md, markdown.toString());
        List<Path> all = new ArrayList<>(List.of(html, md));
        all.addAll(written);
        return all;
    }

    static String markdown(String title, PaperTable table, ReportInputs in, Map<String, List<Path>> sections,
                           Path out) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        if (!in.evals().isEmpty()) {
            sb.append("## Zero-shot results\n\n").append(table.markdown(true)).append('\n');
            sb.append("Accuracies in percent ± one standard error. Provenance:\n\n");
            for (EvalRun r : in.evals()) {
                sb.append("- ").append(r.label()).append(": checkpoint `")
                        .append(r.provenance().getOrDefault("checkpoint_sha256", "?")).append("`, semantics ")
                        .append(r.semantics()).append(", ").append(r.provenance().getOrDefault("device", "?"))
                        .append(' ').append(r.provenance().getOrDefault("dtype", "?")).append(", ")
                        .append(r.provenance().getOrDefault("harness_version", "?")).append('\n');
            }
            sb.append('\n');
        }
        for (ExtrapolationReport r : in.extrapolations()) {
            double[] ppl = r.curves().perplexities();
            int train = Math.min(Math.max(1, r.trainContext()), ppl.length);
            sb.append(String.format(java.util.Locale.ROOT, "- extrapolation %s max_len %d, %s: ppl at %d = %.3f, at %d ="
                    + " %.3f (%d sequences)%n", r.dataset(), r.maxLen(), r.model(), train, ppl[train - 1], ppl.length,
                    ppl[ppl.length - 1], r.curves().sequences()));
        }
        sections.forEach((name, files) -> {
            sb.append("\n## ").append(name).append("\n\n");
            for (Path f : files) {
                sb.append("![").append(f.getFileName()).append("](").append(rel(out, f)).append(")\n");
            }
        });
        return sb.toString();
    }

    private static String rel(Path out, Path f) {
        try {
            return out.toAbsolutePath().relativize(f.toAbsolutePath()).toString();
        } catch (IllegalArgumentException e) {
            return f.toString();
        }
    }

    private static List<Path> pngs(List<Path> files) {
        return files.stream().filter(f -> f.toString().endsWith(".png")).toList();
    }

    /** The PNG charts that `rank` wrote next to each rank result (plots/rank_{stem}_*.png). */
    private static List<Path> rankCharts(List<Path> ranks) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path r : ranks) {
            String stem = r.getFileName().toString().replaceFirst("\\.json$", "");
            Path plots = r.resolveSibling("plots");
            if (!Files.isDirectory(plots)) {
                continue;
            }
            try (Stream<Path> s = Files.list(plots)) {
                s.filter(p -> p.getFileName().toString().startsWith(stem + "_") && p.toString().endsWith(".png"))
                        .sorted((a, b) -> rankOrder(a).compareTo(rankOrder(b))).forEach(out::add);
            }
        }
        return out;
    }

    /** Heat map first, then layers in numeric order, then hidden states. */
    private static String rankOrder(Path p) {
        String n = p.getFileName().toString();
        if (n.contains("_state_heatmap")) {
            return "0";
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("_state_layer(\\d+)").matcher(n);
        return m.find() ? String.format("1%05d", Integer.parseInt(m.group(1))) : "2" + n;
    }
}
