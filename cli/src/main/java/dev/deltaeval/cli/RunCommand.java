package dev.deltaeval.cli;

import dev.deltaeval.checkpoints.AtomicFiles;
import dev.deltaeval.checkpoints.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a plan: every checkpoint through eval, extrapolate and rank as the plan says, then one "
                + "report, all into the plan's output folder (eval/, extrapolation/, rank/, report/).",
            "A finished step leaves a marker keyed by its exact arguments and is skipped on the next run; an "
                + "interrupted step resumes from its own cache. See the README for the plan format."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--plan", required = true, paramLabel = "FILE", description = "The plan (JSON).")
    Path plan;

    @Override
    public Integer call() throws IOException {
        try {
            return execute();
        } catch (StepFailed e) {
            System.err.println("deltaeval: error: " + e.getMessage());
            return e.code;
        }
    }

    private int execute() throws IOException {
        RunPlan p = RunPlan.read(plan);
        Path out = Path.of(p.output());
        for (String c : p.checkpoints()) {
            CheckpointArg.open(Path.of(c)); // fail on a bad checkpoint before any work starts
        }
        List<String> compute = new ArrayList<>();
        if (p.device() != null) {
            compute.addAll(List.of("--device", p.device()));
        }
        if (p.dtype() != null) {
            compute.addAll(List.of("--dtype", p.dtype()));
        }
        for (String c : p.checkpoints()) {
            String model = CheckpointArg.label(CheckpointArg.open(Path.of(c)));
            if (p.eval() != null) {
                RunPlan.Eval e = p.eval();
                List<String> args = new ArrayList<>(List.of("eval", c, "--tasks", String.join(",", e.tasks()),
                        "--output", out.resolve("eval").resolve(model).toString(), "--log-samples",
                        "--cache-dir", out.resolve("cache").toString()));
                opt(args, "--data-dir", e.dataDir());
                opt(args, "--limit", e.limit());
                opt(args, "--batch-size", e.batchSize());
                opt(args, "--lm-eval-compat", e.lmEvalCompat());
                args.addAll(compute);
                step(out, "eval " + model, args, out.resolve("eval").resolve(model));
            }
            if (p.rank() != null) {
                RunPlan.Rank r = p.rank();
                List<String> args = new ArrayList<>(List.of("rank", c, "--out",
                        out.resolve("rank").resolve(model).toString()));
                opt(args, "--data", r.data());
                opt(args, "--max-len", r.maxLen());
                opt(args, "--positions", r.positions());
                opt(args, "--window", r.window());
                opt(args, "--train-context", r.trainContext());
                args.addAll(compute);
                step(out, "rank " + model, args, out.resolve("rank").resolve(model));
            }
        }
        if (p.extrapolate() != null) {
            RunPlan.Extrapolate x = p.extrapolate();
            List<String> args = new ArrayList<>(List.of("extrapolate"));
            args.addAll(p.checkpoints());
            args.addAll(List.of("--out", out.resolve("extrapolation").toString()));
            opt(args, "--data", x.data());
            opt(args, "--field", x.field());
            opt(args, "--preset", x.preset());
            opt(args, "--max-len", x.maxLen() == null ? null : x.maxLen().stream().map(String::valueOf)
                    .collect(Collectors.joining(",")));
            opt(args, "--num-sequences", x.numSequences());
            opt(args, "--train-context", x.trainContext());
            opt(args, "--segment", x.segment());
            args.addAll(compute);
            step(out, "extrapolate", args, null); // extrapolate reuses its finished results itself
        }
        List<String> inputs = new ArrayList<>();
        for (String sub : new String[] {"eval", "extrapolation", "rank"}) {
            if (Files.isDirectory(out.resolve(sub))) {
                inputs.add(out.resolve(sub).toString());
            }
        }
        List<String> report = new ArrayList<>(List.of("report", "--out", out.resolve("report").toString(), "--title",
                p.report() != null && p.report().title() != null ? p.report().title() : "DeltaEval run " + out));
        report.addAll(inputs);
        run(report);
        System.err.println("run complete: " + out.resolve("report").resolve("report.html"));
        return 0;
    }

    /** Runs a step unless a marker for exactly these arguments exists; a changed step starts from a clean folder. */
    private void step(Path out, String name, List<String> args, Path cleanDir) throws IOException {
        String key = sha256(String.join("\u0000", args));
        Path marker = out.resolve(".done").resolve(name.replace(' ', '_') + ".done");
        if (Files.exists(marker) && Files.readString(marker).trim().equals(key)) {
            System.err.println("skip " + name + " (done with the same settings)");
            return;
        }
        if (cleanDir != null && Files.exists(marker)) {
            deleteTree(cleanDir); // settings changed: old results must not mix into the report
        }
        System.err.println("== " + name + ": deltaeval " + String.join(" ", args));
        run(args);
        AtomicFiles.writeString(marker, key + "\n");
    }

    private static void run(List<String> args) {
        int code = DeltaEvalCli.execute(args.toArray(new String[0]));
        if (code != 0) {
            throw new StepFailed(code, "run step failed (exit " + code + "): deltaeval " + String.join(" ", args));
        }
    }

    /** A step's own error line is already printed; this adds which step and ends the run with its exit code. */
    static final class StepFailed extends RuntimeException {
        final int code;

        StepFailed(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private static void opt(List<String> args, String name, Object value) {
        if (value != null) {
            args.add(name);
            args.add(String.valueOf(value));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
