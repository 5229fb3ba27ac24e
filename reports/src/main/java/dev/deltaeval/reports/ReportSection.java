package dev.deltaeval.reports;

import java.nio.file.Path;
import java.util.List;

/**
 * A section that a result kind writes into the report itself: a title, lines of text (shown as a list in HTML and
 * Markdown, escaped), optionally a table (a header and rows of cells, escaped) and PNG charts.
 */
public record ReportSection(String title, List<String> lines, List<String> header, List<List<String>> rows,
                            List<Path> charts) {
    public ReportSection {
        lines = List.copyOf(lines);
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        charts = List.copyOf(charts);
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException(title + ": a row of " + r.size() + " cells under " + header.size()
                        + " column headers");
            }
        }
    }

    /** Lines only. */
    public ReportSection(String title, List<String> lines) {
        this(title, lines, List.of(), List.of(), List.of());
    }

    /** The table as Markdown (empty when there is none). */
    public String markdownTable() {
        if (header.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(markdownRow(header)).append('|');
        header.forEach(h -> sb.append("---|"));
        sb.append('\n');
        rows.forEach(r -> sb.append(markdownRow(r)));
        return sb.toString();
    }

    private static String markdownRow(List<String> cells) {
        return "| " + String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList()) + " |\n";
    }
}
