package dev.deltaeval.jobs;

/**
 * What one run of a job needs, as a record: built by the job's command from its options, or read from a plan file's
 * section of the same name (snake_case fields, unknown fields refused). Hashed in one place ({@link SpecJson#hash})
 * for resume keys and provenance.
 */
public interface JobSpec {
    /** The job that runs this spec (its {@link Job#kind()}). */
    String kind();

    /** The folder everything this spec writes goes under. */
    String output();
}
