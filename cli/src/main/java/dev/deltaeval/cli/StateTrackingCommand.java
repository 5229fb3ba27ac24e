package dev.deltaeval.cli;

import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.Jobs;
import dev.deltaeval.jobs.statetracking.StateTrackingSpec;
import dev.deltaeval.statetracking.FiniteGroup;
import dev.deltaeval.statetracking.Groups;
import dev.deltaeval.statetracking.WordProblemCheck;
import dev.deltaeval.statetracking.WordProblemCsv;
import dev.deltaeval.statetracking.WordProblemSampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "state-tracking", mixinStandardHelpOptions = true,
        description = "Group word problems, the DeltaProduct paper's state-tracking experiment.",
        subcommands = {StateTrackingCommand.Eval.class, StateTrackingCommand.Data.class,
            StateTrackingCommand.Check.class})
final class StateTrackingCommand extends GroupCommand {

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = {"Accuracy by sequence length of word-problem checkpoints, as the DeltaProduct paper "
                    + "measures it: sequences of the group read after [BOS], at every position the product so far "
                    + "as the label (no shift), argmax over the whole vocabulary; per position the share of "
                    + "sequences right up to there. Fresh state per sequence; long lengths in segments.",
                "Writes OUT/state_tracking_{group}_{k}_{model}.json (curves, metrics, provenance) per checkpoint "
                    + "and length."})
    static final class Eval implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "CHECKPOINT", description = "Word-problem checkpoints (HF layout).")
        List<Path> checkpoints;

        @Option(names = "--group", paramLabel = "G", description = "The group (default: state_tracking.json beside "
                + "the checkpoint, else the DeltaProduct repository's folder name).")
        String group;

        @Option(names = "--k-test", split = ",", defaultValue = "512", paramLabel = "K[,K...]",
                description = "Test lengths (default: ${DEFAULT-VALUE}).")
        List<Integer> kTest;

        @Option(names = "--samples", defaultValue = "1000", paramLabel = "N",
                description = "Distinct sequences per length (default: ${DEFAULT-VALUE}, the paper's eval size).")
        long samples;

        @Option(names = "--seed", defaultValue = "2", paramLabel = "S",
                description = "The generator's seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--k-train", paramLabel = "K", description = "Training length to mark (default: the "
                + "checkpoint's, else 128).")
        Integer kTrain;

        @Option(names = "--data", paramLabel = "FILE.csv", description = "Read the sequences from the repository's "
                + "CSV (or a gzip of it, .csv.gz) instead of generating them.")
        Path data;

        @Option(names = {"--batch-size", "--batch"}, defaultValue = "0", paramLabel = "N",
                description = "Sequences per forward pass (default: automatic, as many whole sequences as fit 32768 "
                        + "tokens on a CPU and 262144 on a GPU; results do not depend on it).")
        int batchSize;

        @Option(names = "--segment", defaultValue = "0", paramLabel = "N",
                description = "Tokens per forward pass, the state carried across (default: automatic, batch x "
                        + "segment within 32768 tokens on a CPU and 262144 on a GPU, so memory does not grow with "
                        + "the length).")
        int segment;

        @Option(names = {"--output", "--out"}, defaultValue = "runs/state-tracking", paramLabel = "DIR",
                description = "Output folder (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--no-charts", description = "Write the JSON only.")
        boolean noCharts;

        @Mixin
        ComputeMixin compute;

        @Override
        public Integer call() throws IOException {
            ComputeRequest c = compute.request();
            Jobs.run(new StateTrackingSpec(checkpoints.stream().map(Path::toString).toList(), group, kTest, samples,
                    seed, kTrain, data == null ? null : data.toString(), batchSize, segment, out.toString(),
                    noCharts, c.device(), c.dtype(), c.kernels(), c.chunk()), DeltaEvalCli.jobContext());
            return 0;
        }
    }

    @Command(name = "data", mixinStandardHelpOptions = true,
            description = {"Word problems as the DeltaProduct repository's generate_data.py makes them: k elements "
                    + "drawn with Python's random.choices after random.seed(SEED) until SAMPLES distinct sequences "
                    + "exist, each with the running product as its target; the same seed gives the same set of "
                    + "sequences (listed in draw order; Python lists them in its set order).",
                "Writes the repository's CSV (seed,input,target) atomically."})
    static final class Data implements Callable<Integer> {
        @Option(names = "--group", required = true, paramLabel = "G",
                description = "S<n>, A<n>, Z<n> or a product joined by _x_ (A4_x_Z5), or S5_only_swaps / "
                        + "S<n>_limit_to_<m> (inputs from part of the group); elements numbered as the repository "
                        + "numbers them (lexicographic permutations, identity 0).")
        String group;

        @Option(names = "--k", required = true, paramLabel = "K", description = "Elements per sequence.")
        int k;

        @Option(names = "--samples", required = true, paramLabel = "N",
                description = "Distinct sequences (at most |G|^K; more gives all of them).")
        long samples;

        @Option(names = "--seed", required = true, paramLabel = "S", description = "Python's random.seed.")
        long seed;

        @Option(names = {"--out", "--output"}, paramLabel = "FILE",
                description = "The CSV (default: G=K.csv, the repository's name).")
        Path out;

        @Override
        public Integer call() throws IOException {
            Groups.Variant v = Groups.variant(group);
            FiniteGroup g = v.group();
            Path file = out != null ? out : Path.of(group + "=" + k + ".csv");
            var problems = WordProblemSampler.sample(v, k, samples, seed);
            WordProblemCsv.write(file, seed, problems);
            System.err.printf("wrote %s: %d sequences of %d elements of %s (order %d), seed %d%n", file,
                    problems.size(), k, g.name(), g.order(), seed);
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Recomputes every target of a word-problem CSV (made here or by the repository's Python) "
                    + "in the group; with --seed also that it holds exactly the sequences that seed generates.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE",
                description = "A word-problem CSV (as `state-tracking data` or the DeltaProduct repository writes; "
                        + ".csv.gz read as well).")
        Path file;

        @Option(names = "--group", required = true, paramLabel = "G", description = "The group of the file.")
        String group;

        @Option(names = "--seed", paramLabel = "S", description = "Also compare the set of sequences with this "
                + "seed's.")
        Long seed;

        @Override
        public Integer call() throws IOException {
            Groups.Variant v = Groups.variant(group);
            System.out.println(file + ": " + WordProblemCheck.check(file.toString(), v,
                    WordProblemCsv.read(file, v.symbols()), seed));
            return 0;
        }
    }
}
