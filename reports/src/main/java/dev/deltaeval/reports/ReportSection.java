package dev.deltaeval.reports;

import java.util.List;

/**
 * A section that a result kind writes into the report itself: a title and lines of text (shown as a list in HTML and
 * Markdown, escaped).
 */
public record ReportSection(String title, List<String> lines) {
    public ReportSection {
        lines = List.copyOf(lines);
    }
}
