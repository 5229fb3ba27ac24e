package dev.deltaeval.cli;

import dev.deltaeval.reports.ReportBuilder;
import dev.deltaeval.reports.ReportInputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"A self-contained HTML report (report.html: no external assets, charts embedded) and a Markdown "
                + "summary (report.md) from eval, extrapolate and rank results.",
            "Tables in the DeltaProduct paper's format (Wiki ppl, LMB ppl/acc, PIQA, Hella acc_norm, Wino, ARC-e, "
                + "ARC-c acc_norm, average; SWDE, SQuAD, FDA when present) with standard errors; score chart with "
                + "stderr whiskers; extrapolation curves overlaid; the rank charts; provenance of every number."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "Results files or folders (searched "
            + "recursively for results_*.json, extrapolation and rank JSON).")
    List<Path> inputs;

    @Option(names = {"--output", "--out"}, defaultValue = "runs/report", paramLabel = "DIR",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--title", defaultValue = "DeltaEval report", paramLabel = "TEXT",
            description = "Report title (default: ${DEFAULT-VALUE}).")
    String title;

    @Override
    public Integer call() throws IOException {
        ReportInputs in = ReportInputs.scan(inputs);
        List<Path> files = ReportBuilder.build(in, out, title);
        System.err.printf("report from %d eval, %d extrapolation and %d rank results: %s (+%d files)%n",
                in.evals().size(), in.extrapolations().size(), in.ranks().size(), files.get(0), files.size() - 1);
        System.out.println(files.get(0));
        return 0;
    }
}
