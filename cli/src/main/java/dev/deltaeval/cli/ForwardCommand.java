package dev.deltaeval.cli;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.checkpoints.SafetensorsWriter;
import dev.deltaeval.checkpoints.TensorInfo;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.TokenBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
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
        ModelCheckpoint ckpt = CheckpointRef.open(checkpoint);
        SafetensorsFile in = SafetensorsFile.open(inputIds);
        if (!in.tensors().containsKey("input_ids")) {
            throw new CheckpointException(inputIds + ": tensor input_ids is missing (expected I64 [B, T])");
        }
        TensorInfo info = in.info("input_ids");
        if (info.shape().length != 2) {
            throw new CheckpointException(inputIds + ": tensor input_ids has shape " + info.shapeString()
                    + " (expected [B, T])");
        }
        int b = (int) info.shape()[0];
        int t = (int) info.shape()[1];
        ForwardMode m = forwardMode(mode);
        try (LanguageModel model = ComputeMixin.load(ckpt, compute.options(ckpt))) {
            ForwardOutput o = model.forward(new TokenBatch(in.readLongs("input_ids"), b, t), null,
                    ForwardRequest.logits(m).withHidden());
            int l = model.info().numLayers();
            new SafetensorsWriter().metadata("format", "pt")
                    .putFloat("logits", new long[] {b, t, model.info().vocabSize()}, o.logits())
                    .putFloat("hidden", new long[] {l + 1, b, t, model.info().hiddenSize()}, o.hidden())
                    .write(out);
        }
        System.out.println("wrote " + out + " (logits [" + b + ", " + t + ", " + ckpt.info().vocabSize() + "], hidden ["
                + (ckpt.info().numLayers() + 1) + ", " + b + ", " + t + ", " + ckpt.info().hiddenSize() + "])");
        return 0;
    }

    /** The mode as users name it: DeltaNet's "chunked" and "recurrent", or the model-neutral names. */
    static ForwardMode forwardMode(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "chunked", "parallel":
                return ForwardMode.PARALLEL;
            case "recurrent", "stepwise":
                return ForwardMode.STEPWISE;
            default:
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new ForwardCommand()),
                        "--mode " + name + ": expected chunked (parallel) or recurrent (stepwise)");
        }
    }
}
