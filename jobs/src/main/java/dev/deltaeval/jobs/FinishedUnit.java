package dev.deltaeval.jobs;

import java.nio.file.Path;

/** A unit of a plan that has finished: its id, checkpoint label and published folder. */
public record FinishedUnit(String id, String model, Path dir) {
}
