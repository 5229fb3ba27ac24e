package dev.deltaeval.jobs.rank;

import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.DataSettings;
import dev.deltaeval.jobs.JobSpec;

/**
 * Effective rank of recurrent and hidden states along one sequence, as {@code deltaeval rank} and a plan's "rank"
 * section give it. Absent fields take the command's defaults.
 *
 * @param maxLen          tokens in the analysed sequence
 * @param positions       all, every:K, log:N or token positions
 * @param window          tokens per hidden-state window
 * @param mixerOutputs    also each layer's token-mixer output
 * @param relTol          relative threshold of the numerical rank
 * @param segment         tokens per forward call, the state carried
 * @param threads         SVD worker threads, or null for every core
 * @param trainContext    training context marker, or null for the checkpoint's
 * @param saveActivations a folder for the hidden states per segment, or null
 */
public record RankSpec(String checkpoint, Integer maxLen, String positions, Integer window, Boolean noCharts,
                       Boolean noHidden, Boolean mixerOutputs, Boolean noState, Double relTol, Integer segment,
                       Integer threads, Integer trainContext, String saveActivations, String output, String data,
                       String field, String template, String preset, Long seed, Integer mapBatch, String device,
                       String dtype, String kernels, Integer chunk) implements JobSpec {
    public RankSpec {
        maxLen = maxLen == null ? 1024 : maxLen;
        positions = positions == null ? "all" : positions;
        window = window == null ? 256 : window;
        noCharts = noCharts != null && noCharts;
        noHidden = noHidden != null && noHidden;
        mixerOutputs = mixerOutputs != null && mixerOutputs;
        noState = noState != null && noState;
        relTol = relTol == null ? 1e-6 : relTol;
        segment = segment == null ? 512 : segment;
        output = output == null ? "runs/rank" : output;
    }

    @Override
    public String kind() {
        return RankJob.KIND;
    }

    public DataSettings dataSettings() {
        return new DataSettings(data, field, template, preset, seed, mapBatch);
    }

    public ComputeRequest compute() {
        return new ComputeRequest(device, dtype, kernels, chunk == null ? 0 : chunk);
    }

    /** One checkpoint, into a plan's folders. */
    RankSpec unit(String ckpt, String out, String planDevice, String planDtype) {
        return new RankSpec(ckpt, maxLen, positions, window, noCharts, noHidden, mixerOutputs, noState, relTol,
                segment, threads, trainContext, saveActivations, out, data, field, template, preset, seed, mapBatch,
                device != null ? device : planDevice, dtype != null ? dtype : planDtype, kernels, chunk);
    }

    RankSpec withOutput(String out) {
        return new RankSpec(checkpoint, maxLen, positions, window, noCharts, noHidden, mixerOutputs, noState, relTol,
                segment, threads, trainContext, saveActivations, out, data, field, template, preset, seed, mapBatch,
                device, dtype, kernels, chunk);
    }
}
