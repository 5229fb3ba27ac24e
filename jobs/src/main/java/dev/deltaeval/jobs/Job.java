package dev.deltaeval.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An analysis the harness runs (zero-shot tasks, length extrapolation, effective rank, ...), found through
 * {@link java.util.ServiceLoader}: a module that lists a {@code Job} in
 * {@code META-INF/services/dev.deltaeval.jobs.Job} adds a plan section, a unit kind and a result kind, with no other
 * file changed.
 *
 * @param <S> the job's spec
 */
public interface Job<S extends JobSpec> {
    /** The plan section and unit kind, e.g. "eval". */
    String kind();

    /** The spec's class, bound from a plan section. */
    Class<S> specType();

    /**
     * A plan's section for this job as independent units, one checkpoint at a time: each unit's spec names the
     * checkpoint and the plan's compute settings (where the section gives none) and writes into the plan's output
     * until a runner moves it into the unit's own folder ({@link #inFolder}).
     */
    List<PlannedUnit> plan(S section, PlanScope scope);

    /** The spec writing into {@code out} instead. */
    S inFolder(S spec, Path out);

    /** Runs one spec; writes only under {@code spec.output()}. */
    void run(S spec, JobContext ctx) throws IOException;

    /** How this job's finished units become a run's results and report. */
    ResultKind results();
}
