package dev.deltaeval.cli;

import java.nio.file.Path;

/** The text of a SLURM job-array script: one array task per shard, one GPU each, all in one shared run folder. */
final class SlurmScript {
    private SlurmScript() {
    }

    static String render(RunPlan p, Path planFile, int shards, String partition, String time, int cpus, String mem,
                         Path home) {
        String logs = Path.of(p.output()).isAbsolute() ? p.output() : home.resolve(p.output()).toString();
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n")
                .append("# DeltaEval: ").append(shards).append(" shards of ").append(planFile).append('\n')
                .append("#SBATCH --job-name=deltaeval\n")
                .append("#SBATCH --array=0-").append(shards - 1).append('\n')
                .append("#SBATCH --nodes=1\n#SBATCH --ntasks=1\n")
                .append("#SBATCH --gres=gpu:1\n")
                .append("#SBATCH --cpus-per-task=").append(cpus).append('\n')
                .append("#SBATCH --mem=").append(mem).append('\n')
                .append("#SBATCH --time=").append(time).append('\n');
        if (partition != null) {
            s.append("#SBATCH --partition=").append(partition).append('\n');
        }
        s.append("#SBATCH --output=").append(logs).append("/slurm/shard-%a.out\n")
                .append("set -euo pipefail\n")
                .append("cd ").append(quote(home.toString())).append('\n')
                .append("mkdir -p ").append(quote(logs + "/slurm")).append('\n')
                .append("# SLURM exposes the allocated GPU as device 0 (CUDA_VISIBLE_DEVICES)\n")
                .append("export DJL_OFFLINE=\"${DJL_OFFLINE:-true}\"\n")
                .append("export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-").append(cpus).append("}\"\n")
                .append("SHARD=$((SLURM_ARRAY_TASK_ID + 1))\n")
                .append("exec ./deltaeval run --plan ").append(quote(planFile.toString())).append(" --shard \"$SHARD/")
                .append(shards).append("\" --device gpu\n");
        return s.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
