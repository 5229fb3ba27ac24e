package dev.deltaeval.jobs.tools;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.checkpoints.SafetensorsWriter;
import dev.deltaeval.checkpoints.TensorInfo;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.TokenBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Logits and hidden states (Hugging Face's output_hidden_states) for token ids read from a safetensors file, written
 * as safetensors, so that a forward pass compares directly with Python's.
 */
public final class ForwardDump {
    private ForwardDump() {
    }

    /**
     * @param inputIds safetensors with an I64 tensor input_ids [B, T]
     * @param out      safetensors to write: F32 logits [B, T, V] and hidden [L+1, B, T, H]
     * @param mode     chunked (parallel) or recurrent (stepwise)
     */
    public record Spec(String checkpoint, String inputIds, String out, String mode, ComputeRequest compute) {
    }

    public static void run(Spec spec, JobContext ctx) throws IOException {
        ModelCheckpoint ckpt = CheckpointRef.open(spec.checkpoint() == null ? null : Path.of(spec.checkpoint()));
        Path inputIds = Path.of(spec.inputIds());
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
        ForwardMode m = mode(spec.mode());
        try (LanguageModel model = Compute.load(ckpt, Compute.resolve(spec.compute(), ckpt))) {
            ForwardOutput o = model.forward(new TokenBatch(in.readLongs("input_ids"), b, t), null,
                    ForwardRequest.logits(m).withHidden());
            int l = model.info().numLayers();
            new SafetensorsWriter().metadata("format", "pt")
                    .putFloat("logits", new long[] {b, t, model.info().vocabSize()}, o.logits())
                    .putFloat("hidden", new long[] {l + 1, b, t, model.info().hiddenSize()}, o.hidden())
                    .write(Path.of(spec.out()));
        }
        ctx.out().println("wrote " + spec.out() + " (logits [" + b + ", " + t + ", " + ckpt.info().vocabSize()
                + "], hidden [" + (ckpt.info().numLayers() + 1) + ", " + b + ", " + t + ", "
                + ckpt.info().hiddenSize() + "])");
    }

    /** The mode as users name it: DeltaNet's "chunked" and "recurrent", or the model-neutral names. */
    public static ForwardMode mode(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "chunked", "parallel" -> ForwardMode.PARALLEL;
            case "recurrent", "stepwise" -> ForwardMode.STEPWISE;
            default -> throw new DeltaEvalException(DeltaEvalException.setting("mode") + " " + name
                    + ": expected chunked (parallel) or recurrent (stepwise)");
        };
    }
}
