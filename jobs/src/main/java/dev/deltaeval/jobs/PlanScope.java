package dev.deltaeval.jobs;

import dev.deltaeval.model.ModelCheckpoint;

/**
 * What a plan gives each of its sections, for one checkpoint.
 *
 * @param checkpoint the checkpoint as the plan names it
 * @param opened     the same, opened (for its label and parameter count)
 * @param output     the plan's output folder
 * @param device     the plan's device, or null
 * @param dtype      the plan's dtype, or null
 */
public record PlanScope(String checkpoint, ModelCheckpoint opened, String output, String device, String dtype) {
    public String model() {
        return CheckpointRef.label(opened);
    }

    public double parameters() {
        return opened.parameterCount();
    }

    /** A section's value, else the plan's. */
    public String device(String sectionValue) {
        return sectionValue != null ? sectionValue : device;
    }

    /** A section's value, else the plan's. */
    public String dtype(String sectionValue) {
        return sectionValue != null ? sectionValue : dtype;
    }
}
