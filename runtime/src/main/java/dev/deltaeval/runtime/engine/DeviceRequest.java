package dev.deltaeval.runtime.engine;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.runtime.ModelException;
import java.util.Locale;

/**
 * What the user asked for with {@code --device}: {@code auto} (the first usable CUDA GPU, else the CPU), {@code cpu},
 * or {@code gpu} / {@code gpu:K} ({@code cuda} and {@code cuda:K} are accepted as synonyms).
 *
 * @param kind  auto, cpu or gpu
 * @param index the GPU's index for {@code gpu:K}, else 0
 * @param spec  the text as given, for messages
 */
public record DeviceRequest(Kind kind, int index, String spec) {
    /** The three kinds of request. */
    public enum Kind { AUTO, CPU, GPU }

    public static DeviceRequest parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto":
                return new DeviceRequest(Kind.AUTO, 0, spec);
            case "cpu":
                return new DeviceRequest(Kind.CPU, 0, spec);
            case "gpu":
            case "cuda":
                return new DeviceRequest(Kind.GPU, 0, spec);
            default:
                break;
        }
        if (s.startsWith("gpu:") || s.startsWith("cuda:")) {
            try {
                int k = Integer.parseInt(s.substring(s.indexOf(':') + 1));
                if (k >= 0) {
                    return new DeviceRequest(Kind.GPU, k, spec);
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            throw new ModelException(DeltaEvalException.setting("device") + " " + spec + ": expected gpu:K with a GPU number K >= 0");
        }
        throw new ModelException(DeltaEvalException.setting("device") + " " + spec + ": expected auto, cpu, gpu or gpu:K");
    }

    public boolean wantsGpu() {
        return kind != Kind.CPU;
    }
}
