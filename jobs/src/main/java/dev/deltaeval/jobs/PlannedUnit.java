package dev.deltaeval.jobs;

/**
 * One independent piece of a plan.
 *
 * @param id    stable across runs and machines: kind/model/what, e.g. eval/demo-dp2-6m/piqa
 * @param model the checkpoint's display name
 * @param spec  what the unit runs
 * @param cost  estimated work (parameters x tokens), for balancing shards
 */
public record PlannedUnit(String id, String model, JobSpec spec, double cost) {
    public String kind() {
        return spec.kind();
    }
}
