package dev.deltaeval.cli;

import dev.deltaeval.jobs.tools.ForwardDump;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Write logits and hidden states for token ids read from a safetensors file.",
            "Hidden states have the meaning of Hugging Face's output_hidden_states, so results compare directly "
            + "with Python.",
            "Input: I64 tensor input_ids [B, T]. Output: F32 logits [B, T, V] and hidden [L+1, B, T, H]."})
final class ForwardCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "Checkpoint directory.")
    Path checkpoint;

    @Option(names = "--input-ids", required = true, paramLabel = "FILE", description = "safetensors with input_ids.")
    Path inputIds;

    @Option(names = {"--output", "--out"}, required = true, paramLabel = "FILE", description = "safetensors to write.")
    Path out;

    @Option(names = "--mode", defaultValue = "chunked", paramLabel = "chunked|recurrent",
            description = "Kernel for the recurrence (default: ${DEFAULT-VALUE}).")
    String mode;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() throws IOException {
        ForwardDump.run(new ForwardDump.Spec(checkpoint.toString(), inputIds.toString(), out.toString(), mode,
                compute.request()), DeltaEvalCli.jobContext());
        return 0;
    }
}
