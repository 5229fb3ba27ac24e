package dev.deltaeval.jobs.extrapolation;

import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.DataSettings;
import dev.deltaeval.jobs.JobSpec;
import java.util.List;

/**
 * Loss and perplexity per position across context lengths, as {@code deltaeval extrapolate} and a plan's
 * "extrapolate" section give them. Absent fields take the command's defaults.
 *
 * @param checkpoints  folders or hf: references (none: the bundled default)
 * @param maxLen       sequence lengths in tokens
 * @param segment      tokens per forward pass, the state carried between segments
 * @param trainContext training context for markers and the exceedance position, or null for the checkpoint's
 * @param margin       the exceedance margin
 * @param bucket       bucket size of the bucketed perplexity
 * @param smooth       moving-average window of the per-token loss chart
 * @param numSequences sequences to evaluate (0: all)
 */
public record ExtrapolateSpec(List<String> checkpoints, List<Integer> maxLen, Integer segment, Integer trainContext,
                              Double margin, Integer bucket, Integer smooth, String output, Boolean noCharts,
                              Boolean recompute, String data, String field, String template, String preset, Long seed,
                              Integer mapBatch, Integer numSequences, String device, String dtype, String kernels,
                              Integer chunk) implements JobSpec {
    public ExtrapolateSpec {
        checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
        maxLen = maxLen == null ? List.of(4096) : List.copyOf(maxLen);
        segment = segment == null ? 2048 : segment;
        margin = margin == null ? 0.1 : margin;
        bucket = bucket == null ? 2048 : bucket;
        smooth = smooth == null ? 1 : smooth;
        output = output == null ? "runs/extrapolation" : output;
        noCharts = noCharts != null && noCharts;
        recompute = recompute != null && recompute;
        numSequences = numSequences == null ? 4 : numSequences;
    }

    @Override
    public String kind() {
        return ExtrapolateJob.KIND;
    }

    public DataSettings dataSettings() {
        return new DataSettings(data, field, template, preset, seed, mapBatch);
    }

    public ComputeRequest compute() {
        return new ComputeRequest(device, dtype, kernels, chunk == null ? 0 : chunk);
    }

    /** One checkpoint at one length, into a plan's folders. */
    ExtrapolateSpec unit(String ckpt, int len, String out, String planDevice, String planDtype) {
        return new ExtrapolateSpec(List.of(ckpt), List.of(len), segment, trainContext, margin, bucket, smooth, out,
                noCharts, recompute, data, field, template, preset, seed, mapBatch, numSequences,
                device != null ? device : planDevice, dtype != null ? dtype : planDtype, kernels, chunk);
    }

    ExtrapolateSpec withOutput(String out) {
        return new ExtrapolateSpec(checkpoints, maxLen, segment, trainContext, margin, bucket, smooth, out, noCharts,
                recompute, data, field, template, preset, seed, mapBatch, numSequences, device, dtype, kernels, chunk);
    }
}
