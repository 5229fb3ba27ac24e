package dev.deltaeval.cli;

import dev.deltaeval.reports.Comparison;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Regression gate: baseline vs candidate eval results, per task and metric the difference, its "
                + "standard error and a paired test on the per-sample results (exact McNemar for accuracies, paired "
                + "bootstrap for perplexities; a z-test on the stderrs when samples are missing).",
            "A metric regresses when it is worse by more than its MAX_DROP and p < ALPHA.",
            "Exit codes: 0 no regression, 1 regression, 2 bad input (missing tasks, different data hashes or "
                + "semantics versions are reported, never compared)."})
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--baseline", required = true, arity = "1..*", paramLabel = "FILE|DIR",
            description = "Baseline results_*.json, or its run or model folder (the newest results file in it); or "
                    + "a state-tracking result, state_tracking_*.json (accuracy at the test and training lengths).")
    List<Path> baselineGiven;

    @Option(names = "--candidate", required = true, arity = "1..*", paramLabel = "FILE|DIR",
            description = "Candidate results_*.json, or its run or model folder; or a state_tracking_*.json.")
    List<Path> candidateGiven;

    @Option(names = "--threshold", paramLabel = "METRIC=MAX_DROP[:ALPHA]",
            description = {"Per metric, in its own units, e.g. acc=0.02:0.05, perplexity=0.5, *=0.01 for all others",
                "(default: any significant drop, alpha 0.05). Repeatable."})
    List<String> thresholds = new ArrayList<>();

    @Option(names = "--bootstrap-iters", defaultValue = "2000", paramLabel = "N",
            description = "Paired bootstrap resamples for perplexities (default: ${DEFAULT-VALUE}).")
    int bootstrapIters;

    @Option(names = "--seed", defaultValue = "1234", paramLabel = "N", description = "Bootstrap seed.")
    long seed;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the Markdown (PR comment) here.")
    Path markdown;

    @Option(names = {"--json", "--output", "--out"}, paramLabel = "FILE",
            description = "Also write the comparison as JSON here.")
    Path json;

    @Override
    public Integer call() throws IOException {
        Comparison.Gate g = Comparison.gate(baselineGiven, candidateGiven, thresholds, bootstrapIters, seed, markdown,
                json);
        System.out.print(g.markdown());
        for (String p : g.result().problems()) {
            System.err.println("deltaeval: error: " + p);
        }
        return g.result().exitCode();
    }
}
