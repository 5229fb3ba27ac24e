package dev.deltaeval.tasks;

/** A problem with a task definition or its data, as one line naming the task, the file or field, and what was expected. */
public class TaskException extends dev.deltaeval.common.DeltaEvalException {
    public TaskException(String message) {
        super(message);
    }
}
