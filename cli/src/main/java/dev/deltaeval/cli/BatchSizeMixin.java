package dev.deltaeval.cli;

import dev.deltaeval.core.scoring.BatchPlan;
import picocli.CommandLine.Option;

/** --batch-size, shared by the commands that score requests. */
public final class BatchSizeMixin {
    @Option(names = {"--batch-size", "--batch"}, defaultValue = "auto", paramLabel = "auto|N|Nt",
            description = {"Sequences per forward pass (default: ${DEFAULT-VALUE}: on a GPU as many as fit "
                    + BatchPlan.GPU_TOKEN_BUDGET + " padded tokens, at most " + BatchPlan.GPU_MAX_ROWS + "; on the CPU "
                    + BatchPlan.CPU_ROWS + "). N: N sequences; Nt: a budget of N tokens. Results do not depend on it "
                    + "beyond rounding (1e-5). Lower it if the GPU runs out of memory."})
    String spec;

    BatchPlan plan(boolean gpu) {
        return BatchPlan.parse(spec, gpu);
    }
}
