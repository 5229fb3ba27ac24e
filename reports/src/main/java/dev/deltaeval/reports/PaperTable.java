package dev.deltaeval.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The DeltaProduct paper's results table: one row per checkpoint, the columns below (declared as data), an average
 * over the accuracy columns that are present, and the recall tasks when any run has them.
 */
public final class PaperTable {
    /**
     * @param label   column heading
     * @param task    the task, or several alternatives separated by '|' (the first a run has is used)
     * @param scale   100 for accuracies shown in percent, 1 for perplexities
     * @param inAverage whether the column enters the average (the paper averages the accuracy columns)
     * @param chance  what guessing scores, in the column's unit, or NaN when there is none
     */
    public record Column(String label, String task, String metric, double scale, boolean inAverage, double chance) {
        /** The first alternative task {@code run} has (or the first alternative). */
        public String taskIn(EvalRun run) {
            for (String t : task.split("\\|")) {
                if (run.metrics().containsKey(t)) {
                    return t;
                }
            }
            return task.split("\\|")[0];
        }
    }

    /** A column with the flag saying whether it shows when no run has it. */
    private record Spec(Column column, boolean always) {
    }

    /** The columns, read from {@code paper-table.json} beside this class: a column is data, not code. */
    private static final List<Spec> SPECS = readColumns();

    public static final List<Column> COLUMNS = SPECS.stream().map(Spec::column).toList();

    private static List<Spec> readColumns() {
        try (java.io.InputStream in = PaperTable.class.getResourceAsStream("paper-table.json")) {
            com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(in);
            List<Spec> out = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode c : root.path("columns")) {
                Column col = new Column(c.path("label").asText(), c.path("tasks").asText(), c.path("metric").asText(),
                        c.path("scale").asDouble(), c.path("in_average").asBoolean(),
                        c.path("chance").isNumber() ? c.path("chance").asDouble() : Double.NaN);
                out.add(new Spec(col, c.path("always").asBoolean()));
            }
            return List.copyOf(out);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("bundled paper-table.json is unreadable", e);
        }
    }

    /**
     * A cell: value and standard error, already scaled; empty when the run lacks the task. {@code substitute}: the
     * value comes from a stand-in task, not the paper's (marked † and explained under the table).
     */
    public record Cell(Optional<Double> value, double stderr, boolean substitute) {
        public String text(boolean withStderr) {
            if (value.isEmpty()) {
                return "–";
            }
            String v = String.format(Locale.ROOT, "%,.2f", value.get()) + (substitute ? "†" : "");
            return withStderr && Double.isFinite(stderr) ? v + " ± " + String.format(Locale.ROOT, "%,.2f", stderr) : v;
        }
    }

    /** What the † of a stand-in cell means. */
    public static final String SUBSTITUTE_NOTE = "† from wikitext_tokenized (word perplexity of the pre-tokenized "
            + "WikiText-103 test set), not lm-eval's wikitext that the paper reports: not comparable with the paper";

    /** Avg. is the paper's: the mean of all its accuracy columns, so only rows that have every one get it. */
    public static final String AVERAGE_NOTE = "Avg. is the mean of the six accuracy columns, as in the paper; a row "
            + "missing any of them has none";

    public record Row(String label, List<Cell> cells, Optional<Double> average) {
    }

    private final List<Column> columns;
    private final List<Row> rows;

    private PaperTable(List<Column> columns, List<Row> rows) {
        this.columns = columns;
        this.rows = rows;
    }

    public static PaperTable of(List<EvalRun> runs) {
        List<Column> cols = new ArrayList<>();
        for (Spec s : SPECS) {
            Column c = s.column();
            if (s.always() || runs.stream().anyMatch(r -> r.value(c.taskIn(r), c.metric()).isPresent())) {
                cols.add(c);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (EvalRun r : runs) {
            List<Cell> cells = new ArrayList<>();
            double sum = 0;
            int n = 0;
            long inAverage = cols.stream().filter(Column::inAverage).count();
            for (Column c : cols) {
                String task = c.taskIn(r);
                Optional<Double> v = r.value(task, c.metric()).map(x -> x * c.scale());
                boolean substitute = !task.equals(c.task().split("\\|")[0]);
                cells.add(new Cell(v, r.stderr(task, c.metric()) * c.scale(), substitute && v.isPresent()));
                if (c.inAverage() && v.isPresent()) {
                    sum += v.get();
                    n++;
                }
            }
            rows.add(new Row(r.label(), cells, n < inAverage ? Optional.empty() : Optional.of(sum / n)));
        }
        return new PaperTable(cols, rows);
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Row> rows() {
        return rows;
    }

    public boolean hasSubstitutes() {
        return rows.stream().anyMatch(r -> r.cells().stream().anyMatch(Cell::substitute));
    }

    public String markdown(boolean withStderr) {
        StringBuilder sb = new StringBuilder("| Model |");
        columns.forEach(c -> sb.append(' ').append(c.label()).append(" |"));
        sb.append(" Avg. |\n|---|");
        columns.forEach(c -> sb.append("---:|"));
        sb.append("---:|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.label()).append(" |");
            r.cells().forEach(c -> sb.append(' ').append(c.text(withStderr)).append(" |"));
            sb.append(' ').append(r.average().map(a -> String.format(Locale.ROOT, "%.2f", a)).orElse("–"))
                    .append(" |\n");
        }
        if (hasSubstitutes()) {
            sb.append('\n').append(SUBSTITUTE_NOTE).append(".\n");
        }
        return sb.toString();
    }
}
