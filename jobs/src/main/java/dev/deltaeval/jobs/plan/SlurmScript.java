package dev.deltaeval.jobs.plan;

import dev.deltaeval.jobs.plan.RunPlan;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The text of a SLURM job-array script: one array task per shard, all in one shared run folder. Resources follow the
 * plan: a GPU plan asks for one GPU per task and runs with {@code --device gpu}; a CPU plan asks for none.
 *
 * @param shards      array tasks
 * @param maxParallel at most this many running at once ({@code %M}), 0 for no cap
 * @param gpu         whether each task gets a GPU
 * @param launcher    the command that runs DeltaEval in the submit directory (./deltaeval)
 */
public record SlurmScript(int shards, int maxParallel, boolean gpu, String partition, String time, int cpus, String mem,
                   String launcher) {

    /** Whether a plan runs on GPUs: its device is gpu, gpu:K or cuda (auto and cpu plans run on CPUs). */
    public static boolean gpuPlan(RunPlan p) {
        String d = p.device() == null ? "auto" : p.device().toLowerCase(Locale.ROOT);
        return d.startsWith("gpu") || d.startsWith("cuda");
    }

    /** The run folder, absolute (SLURM's working directory may differ from ours). */
    public static Path runDir(RunPlan p, Path home) {
        return Path.of(p.output()).isAbsolute() ? Path.of(p.output()) : home.resolve(p.output());
    }

    /** Where the array tasks' logs go; SLURM opens them before a task starts, so this folder must exist first. */
    public static Path logDir(RunPlan p, Path home) {
        return runDir(p, home).resolve("slurm");
    }

    public String render(RunPlan p, Path planFile, Path home) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n")
                .append("# DeltaEval: ").append(shards).append(" shards of ").append(planFile).append('\n')
                .append("#SBATCH --job-name=deltaeval\n")
                .append("#SBATCH --array=0-").append(shards - 1).append(maxParallel > 0 ? "%" + maxParallel : "")
                .append('\n')
                .append("#SBATCH --nodes=1\n#SBATCH --ntasks=1\n");
        if (gpu) {
            s.append("#SBATCH --gres=gpu:1\n");
        }
        s.append("#SBATCH --cpus-per-task=").append(cpus).append('\n')
                .append("#SBATCH --mem=").append(mem).append('\n')
                .append("#SBATCH --time=").append(time).append('\n');
        if (partition != null) {
            s.append("#SBATCH --partition=").append(partition).append('\n');
        }
        s.append("#SBATCH --output=").append(logDir(p, home)).append("/shard-%a.out\n")
                .append("set -euo pipefail\n")
                .append("cd ").append(quote(home.toString())).append('\n');
        if (gpu) {
            s.append("# SLURM exposes the allocated GPU as device 0 (CUDA_VISIBLE_DEVICES)\n");
        }
        s.append("export DJL_OFFLINE=\"${DJL_OFFLINE:-true}\"\n")
                .append("export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-").append(cpus).append("}\"\n")
                .append("SHARD=$((SLURM_ARRAY_TASK_ID + 1))\n")
                .append("exec ").append(launcher).append(" run --plan ").append(quote(planFile.toString())).append(" --shard \"$SHARD/")
                .append(shards).append("\" --device ").append(gpu ? "gpu" : "cpu").append('\n');
        return s.toString();
    }

    /** The merge job's command, run after every array task ended (afterany), whatever their outcome. */
    public String mergeCommand(RunPlan p, Path home) {
        return "cd " + quote(home.toString()) + " && " + launcher + " merge " + quote(runDir(p, home).toString());
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
