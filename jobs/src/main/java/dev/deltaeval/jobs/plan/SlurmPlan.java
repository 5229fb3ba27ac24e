package dev.deltaeval.jobs.plan;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.common.DeltaEvalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A plan as a SLURM job array of shards plus a merge job that runs once every shard has ended. */
public final class SlurmPlan {
    private SlurmPlan() {
    }

    /**
     * What the user asks of the cluster.
     *
     * @param shards     array tasks, or null for nodes x GPUs per node (a GPU plan) or nodes (a CPU plan)
     * @param cpus       CPUs per shard, or null for 8 (GPU plan) or 4
     * @param mem        memory per shard, or null for 64G (GPU plan) or 8G
     * @param launcher   the command each shard runs, from the folder the script is made in
     */
    public record Request(int nodes, int gpusPerNode, Integer shards, int maxParallel, String partition,
                          String time, Integer cpus, String mem, String launcher) {
    }

    /** The script for a plan, where its logs go, and the merge command that follows the array. */
    public record Prepared(String script, Path logs, String mergeCommand, int shards, String partition, int cpus,
                           String mem, int gpus) {
        /** How to submit a script written to {@code file} by hand (SLURM opens log files before a task starts). */
        public String howToSubmit(Path file) {
            return "wrote " + file + ": submit with  mkdir -p " + logs + " && sbatch " + file
                    + "  then merge after it with  sbatch --dependency=afterany:JOBID --wrap \"" + mergeCommand
                    + "\"";
        }
    }

    public static Prepared prepare(Path planFile, Request r) {
        if (r.nodes() < 1 || r.gpusPerNode() < 1 || (r.shards() != null && r.shards() < 1) || r.maxParallel() < 0) {
            throw new DeltaEvalException(DeltaEvalException.setting("nodes") + ", "
                    + DeltaEvalException.setting("gpus_per_node") + " and " + DeltaEvalException.setting("shards")
                    + " must be at least 1, " + DeltaEvalException.setting("max_parallel") + " at least 0");
        }
        // SLURM's formats: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS (anything else would pend the array)
        if (r.time() == null || !r.time().matches("\\d+(:\\d{1,2}){0,2}|\\d+-\\d{1,2}(:\\d{1,2}){0,2}")) {
            throw new DeltaEvalException(DeltaEvalException.setting("time") + " '" + r.time() + "': expected a SLURM "
                    + "time limit such as 04:00:00, 90 (minutes) or 2-00:00:00");
        }
        if (r.mem() != null && !r.mem().matches("\\d+[KMGT]?")) {
            throw new DeltaEvalException(DeltaEvalException.setting("mem") + " '" + r.mem() + "': expected a SLURM "
                    + "memory size such as 64G or 8000M");
        }
        RunPlan p = RunPlan.read(planFile);
        boolean gpu = SlurmScript.gpuPlan(p);
        if (!gpu && (p.device() == null || p.device().equalsIgnoreCase("auto"))) {
            // auto cannot be resolved here (the login node may have no GPU): the array asks for none
            System.err.println("deltaeval: warning: " + planFile + " has device auto: the shards ask SLURM for no GPU "
                    + "and run on CPU; set \"device\": \"gpu\" in the plan for a GPU array");
        }
        int n = r.shards() != null ? r.shards() : gpu ? r.nodes() * r.gpusPerNode() : r.nodes();
        int units = countUnits(p);
        if (units > 0 && n > units) {
            System.err.println("deltaeval: warning: " + n + " shards for " + units + " work units: " + (n - units)
                    + " would have nothing to do, so the array has " + units);
            n = units;
        }
        SlurmScript s = new SlurmScript(n, r.maxParallel(), gpu, r.partition(), r.time(),
                r.cpus() != null ? r.cpus() : gpu ? 8 : 4, r.mem() != null ? r.mem() : gpu ? "64G" : "8G",
                r.launcher());
        Path home = Path.of("").toAbsolutePath();
        return new Prepared(s.render(p, planFile.toAbsolutePath(), home), SlurmScript.logDir(p, home),
                s.mergeCommand(p, home), n, r.partition(), s.cpus(), s.mem(), gpu ? 1 : 0);
    }

    /** The plan's work units, or 0 when they cannot be counted here (checkpoints only the cluster's nodes see). */
    private static int countUnits(RunPlan p) {
        try {
            return PlanUnits.expand(p).size();
        } catch (DeltaEvalException e) {
            return 0;
        }
    }

    /**
     * Writes the script (to {@code file}, or into the log folder), submits the array and the dependent merge job
     * with sbatch, and says what was submitted.
     */
    public static String submit(Prepared prepared, Path file) throws IOException {
        SlurmResources.check(prepared.partition(), prepared.cpus(), prepared.mem(), prepared.gpus());
        Files.createDirectories(prepared.logs());
        Path script = file != null ? file : prepared.logs().resolve("array.sbatch");
        AtomicFiles.writeString(script, prepared.script());
        String array = sbatch(List.of("sbatch", "--parsable", script.toString()));
        String merge = sbatch(List.of("sbatch", "--parsable", "--job-name=deltaeval-merge",
                "--dependency=afterany:" + array, "--output=" + prepared.logs().resolve("merge.out"),
                "--wrap=" + prepared.mergeCommand()));
        String stuck = SlurmResources.stuckAfterSubmit(array);
        if (stuck != null) {
            System.err.println("deltaeval: warning: " + stuck);
        }
        return "submitted array job " + array + " (" + prepared.shards() + " shards) and merge job " + merge
                + "; logs in " + prepared.logs();
    }

    /** Runs sbatch and returns the job id it prints (--parsable: "ID" or "ID;cluster"). */
    private static String sbatch(List<String> cmd) throws IOException {
        Process proc;
        try {
            proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("sbatch: not found (" + e.getMessage() + "); is this a SLURM login node? "
                    + "(scripts/slurm-local.sh start makes this machine one)");
        }
        String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (proc.waitFor() != 0) {
                throw new IOException("sbatch failed: " + text.replace('\n', ' '));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for sbatch");
        }
        String last = text.lines().reduce((a, b) -> b).orElse("");
        return last.split(";")[0].trim();
    }
}
