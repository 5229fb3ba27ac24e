package dev.deltaeval.jobs.statetracking;

import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.JobSpec;
import java.util.List;

/**
 * Accuracy by sequence length on group word problems, as {@code deltaeval state-tracking eval} and a plan's
 * "state_tracking" section give it. Absent fields take the command's defaults.
 *
 * @param checkpoints word-problem checkpoints (HF layout)
 * @param group       the group, or null to read it from state_tracking.json or the repository's folder name
 * @param kTest       test lengths: one curve each
 * @param samples     distinct sequences generated per length
 * @param seed        the generator's seed (Python's random.seed)
 * @param kTrain      the training length marked in the results, or null for the checkpoint's (128 by default)
 * @param data        a word-problem CSV to read instead of generating (its length is the test length)
 * @param batchSize   sequences per forward pass; 0 for as many as fill the token budget with whole sequences
 * @param segment     tokens per forward pass, the state carried across (long lengths in O(segment) memory); 0 for
 *                    as many as keep one pass within a token budget (see {@code StateTrackingJob.segmentFor})
 * @param noCharts    write the JSON only
 */
public record StateTrackingSpec(List<String> checkpoints, String group, List<Integer> kTest, Long samples, Long seed,
                                Integer kTrain, String data, Integer batchSize, Integer segment, String output,
                                Boolean noCharts,
                                String device, String dtype, String kernels, Integer chunk) implements JobSpec {
    public StateTrackingSpec {
        checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
        kTest = kTest == null ? List.of(512) : List.copyOf(kTest);
        samples = samples == null ? 1000L : samples;
        seed = seed == null ? 2L : seed;
        batchSize = batchSize == null ? 0 : batchSize;
        segment = segment == null ? 0 : segment;
        output = output == null ? "runs/state-tracking" : output;
        noCharts = noCharts != null && noCharts;
        dtype = dtype == null ? "fp32" : dtype;
    }

    @Override
    public String kind() {
        return StateTrackingJob.KIND;
    }

    public ComputeRequest compute() {
        return new ComputeRequest(device, dtype, kernels, chunk == null ? 0 : chunk);
    }

    StateTrackingSpec unit(String ckpt, int k, String out, String planDevice, String planDtype) {
        return new StateTrackingSpec(List.of(ckpt), group, List.of(k), samples, seed, kTrain, data, batchSize, segment,
                out, noCharts, device != null ? device : planDevice, dtype, kernels, chunk);
    }

    StateTrackingSpec withOutput(String out) {
        return new StateTrackingSpec(checkpoints, group, kTest, samples, seed, kTrain, data, batchSize, segment, out,
                noCharts, device, dtype, kernels, chunk);
    }
}
