package dev.deltaeval.jobs.plan;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.PlannedUnit;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * A plan split over the GPUs of this host, what {@code run --gpus} does: one process per GPU, each running shard
 * k/N of the plan on its own card ({@code run --plan P --shard k/N --device gpu:K}) into the same run folder, its
 * console in {@code OUT/shards/gpuK.log}; then one merge. A shard that stops is named with its GPU and its error
 * line; running the same command again resumes, since finished units are never run twice.
 */
public final class GpuShards {
    private static final long PROGRESS_EVERY_MS = 30_000;

    private GpuShards() {
    }

    /**
     * Starts the process of one shard: the CLI's {@code run} of the plan, only {@code shard}'s units, on
     * {@code device}, its stdout and stderr in {@code log}. The CLI builds the command line; this class does not
     * know its options.
     */
    public interface Launcher {
        Process start(PlanRun.Shard shard, String device, Path log) throws IOException;

        /** This JVM's own command (runtime, JVM options, class path) running {@code mainClass} with {@code args}. */
        static Process thisJvm(String mainClass, List<String> args, Path log) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(mainClass);
            cmd.addAll(args);
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }
    }

    /**
     * The GPUs {@code spec} names: {@code all} (every visible one), a count N (the first N) or indices
     * {@code 0,2,3}; each must be visible. Indices are CUDA's, after {@code CUDA_VISIBLE_DEVICES}.
     */
    public static List<Integer> select(String spec, IntSupplier visible) {
        String s = spec.trim();
        List<Integer> out = new ArrayList<>();
        if (s.equals("all")) {
            int n = visible.getAsInt();
            for (int i = 0; i < n; i++) {
                out.add(i);
            }
        } else if (s.matches("\\d+")) {
            int n = Integer.parseInt(s);
            for (int i = 0; i < n; i++) {
                out.add(i);
            }
        } else if (s.matches("\\d+(,\\d+)+")) {
            Set<Integer> ids = new LinkedHashSet<>();
            for (String p : s.split(",")) {
                if (!ids.add(Integer.parseInt(p))) {
                    throw new DeltaEvalException(DeltaEvalException.setting("gpus") + " " + spec + ": GPU " + p
                            + " named twice");
                }
            }
            out.addAll(ids);
        } else {
            throw new DeltaEvalException(DeltaEvalException.setting("gpus") + " " + spec
                    + ": expected all, a number of GPUs, or GPU indices like 0,2,3");
        }
        if (out.isEmpty()) {
            throw new DeltaEvalException(DeltaEvalException.setting("gpus") + " " + spec + ": no GPU "
                    + (s.equals("all") ? "is visible on this host (nvidia-smi and CUDA_VISIBLE_DEVICES)" : "named"));
        }
        int max = out.stream().mapToInt(Integer::intValue).max().getAsInt();
        if (!s.equals("all")) {
            int n = visible.getAsInt();
            if (max >= n) {
                throw new DeltaEvalException(DeltaEvalException.setting("gpus") + " " + spec + ": this host shows "
                        + n + " GPU" + (n == 1 ? "" : "s") + " (indices 0 to " + (n - 1) + ")");
            }
        }
        return out;
    }

    /**
     * How many GPUs a process started here sees: the entries of {@code CUDA_VISIBLE_DEVICES} when it is set, else
     * the lines of {@code nvidia-smi -L}.
     */
    public static int visibleGpus() {
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        if (visible != null) {
            return countVisible(visible);
        }
        try {
            Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new DeltaEvalException("cannot count the GPUs: nvidia-smi -L failed (" + text.strip()
                        + "); give " + DeltaEvalException.setting("gpus") + " N");
            }
            return (int) text.lines().filter(l -> l.startsWith("GPU ")).count();
        } catch (IOException e) {
            throw new DeltaEvalException("cannot count the GPUs: no nvidia-smi on this host (" + e.getMessage()
                    + "); give " + DeltaEvalException.setting("gpus") + " N");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeltaEvalException("interrupted while counting the GPUs");
        }
    }

    /** CUDA's reading of the variable: entries up to the first invalid one ("-1", "NoDevFiles", empty). */
    static int countVisible(String value) {
        int n = 0;
        for (String e : value.split(",", -1)) {
            String t = e.trim();
            if (t.isEmpty() || t.startsWith("-") || !(t.matches("\\d+") || t.startsWith("GPU-")
                    || t.startsWith("MIG-"))) {
                break;
            }
            n++;
        }
        return n;
    }

    /**
     * Runs the plan as one shard per GPU and merges.
     *
     * @param device the {@code --device} of the shard on GPU K ({@code gpu:K})
     * @return 0 when every unit finished, else {@link PlanRun#EXIT_FAILED_UNITS}
     */
    public static int run(Path planFile, List<Integer> gpus, IntFunction<String> device, Launcher launcher,
                          JobContext ctx) throws IOException {
        RunPlan p = RunPlan.read(planFile);
        Path out = Path.of(p.output());
        List<PlannedUnit> units = PlanUnits.expand(p); // every checkpoint checked before any process starts
        Path logs = Files.createDirectories(out.resolve("shards"));
        dev.deltaeval.common.AtomicFiles.writeString(out.resolve("plan.json"), Files.readString(planFile));
        List<Process> started = new ArrayList<>();
        Thread stopChildren = new Thread(() -> started.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(stopChildren); // an interrupted run stops its shards too
        try {
            for (int k = 0; k < gpus.size(); k++) {
                int gpu = gpus.get(k);
                Path log = logs.resolve("gpu" + gpu + ".log");
                try {
                    started.add(launcher.start(new PlanRun.Shard(k + 1, gpus.size()), device.apply(gpu), log));
                } catch (IOException e) { // the shards already started would run on alone: stop them
                    started.forEach(Process::destroy);
                    throw new DeltaEvalException("cannot start shard " + (k + 1) + "/" + gpus.size() + " on "
                            + device.apply(gpu) + " (" + e.getMessage() + "); the shards started were stopped");
                }
                System.err.println("shard " + (k + 1) + "/" + gpus.size() + " on " + device.apply(gpu) + ": log "
                        + log);
            }
            waitWithProgress(started, out, units);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChildren);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs
            }
        }
        List<String> stopped = new ArrayList<>();
        for (int k = 0; k < started.size(); k++) {
            int code = started.get(k).exitValue();
            if (code != 0) {
                Path log = logs.resolve("gpu" + gpus.get(k) + ".log");
                stopped.add("shard " + (k + 1) + "/" + gpus.size() + " on " + device.apply(gpus.get(k)) + " stopped"
                        + " (exit " + code + "): " + errorLine(log) + " (log " + log + ")");
            }
        }
        int merged = PlanRun.merge(out, ctx);
        if (!stopped.isEmpty()) {
            stopped.forEach(s -> System.err.println("deltaeval: error: " + s));
            System.err.println("run the same command again to resume: finished units are kept");
            return PlanRun.EXIT_FAILED_UNITS;
        }
        return merged;
    }

    private static void waitWithProgress(List<Process> children, Path out, List<PlannedUnit> units)
            throws IOException {
        int lastDone = -1;
        long lastPrint = System.currentTimeMillis();
        try {
            while (children.stream().anyMatch(Process::isAlive)) {
                children.stream().filter(Process::isAlive).findFirst().get().waitFor(1, TimeUnit.SECONDS);
                if (System.currentTimeMillis() - lastPrint >= PROGRESS_EVERY_MS) {
                    int done = units.size() - RunMerger.status(out, units).missing().size();
                    if (done != lastDone) {
                        System.err.println(done + " of " + units.size() + " units done");
                        lastDone = done;
                    }
                    lastPrint = System.currentTimeMillis();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            children.forEach(Process::destroy);
            throw new DeltaEvalException("interrupted: the shards were stopped; run again to resume");
        }
    }

    /** The shard's own error line, else its last line. */
    static String errorLine(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "no log";
        }
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("deltaeval: error: ")) {
                return lines.get(i).substring("deltaeval: error: ".length());
            }
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i).strip();
            }
        }
        return "no output";
    }
}
