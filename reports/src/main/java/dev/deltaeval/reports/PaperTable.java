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
     */
    public record Column(String label, String task, String metric, double scale, boolean inAverage, double chance) {
        /** A column with no chance level (perplexities, exact-word and generation tasks). */
        public Column(String label, String task, String metric, double scale, boolean inAverage) {
            this(label, task, metric, scale, inAverage, Double.NaN);
        }

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

    public static final List<Column> CORE = List.of(
            new Column("Wiki. ppl", "wikitext|wikitext_tokenized", "word_perplexity", 1, false),
            new Column("LMB. ppl", "lambada_openai", "perplexity", 1, false),
            new Column("LMB. acc", "lambada_openai", "acc", 100, true),
            // chance: one over the number of choices (2 for PIQA and WinoGrande, 4 for HellaSwag and nearly all of ARC)
            new Column("PIQA acc", "piqa", "acc", 100, true, 50),
            new Column("Hella. acc_n", "hellaswag", "acc_norm", 100, true, 25),
            new Column("Wino. acc", "winogrande", "acc", 100, true, 50),
            new Column("ARC-e acc", "arc_easy", "acc", 100, true, 25),
            new Column("ARC-c acc_n", "arc_challenge", "acc_norm", 100, true, 25));

    public static final List<Column> RECALL = List.of(
            new Column("SWDE", "swde", "contains", 100, false),
            new Column("SQuAD", "squad_completion", "contains", 100, false),
            new Column("FDA", "fda", "contains", 100, false));

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
        List<Column> cols = new ArrayList<>(CORE);
        for (Column c : RECALL) {
            if (runs.stream().anyMatch(r -> r.value(c.taskIn(r), c.metric()).isPresent())) {
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
