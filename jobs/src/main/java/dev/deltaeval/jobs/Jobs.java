package dev.deltaeval.jobs;

import dev.deltaeval.common.DeltaEvalException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The jobs on the class path, by kind, and the one way to run a spec. */
public final class Jobs {
    private static final Map<String, Job<?>> BY_KIND = load();

    private Jobs() {
    }

    private static Map<String, Job<?>> load() {
        Map<String, Job<?>> out = new LinkedHashMap<>();
        for (Job<?> j : ServiceLoader.load(Job.class, Jobs.class.getClassLoader())) {
            if (out.put(j.kind(), j) != null) {
                throw new IllegalStateException("two jobs of kind " + j.kind() + " on the class path");
            }
        }
        return out;
    }

    public static List<String> kinds() {
        return new ArrayList<>(BY_KIND.keySet());
    }

    /** The job of a kind, or a one-line error naming the known kinds. */
    public static Job<?> of(String kind) {
        Job<?> j = BY_KIND.get(kind);
        if (j == null) {
            throw new DeltaEvalException("unknown job \"" + kind + "\" (known: " + String.join(", ", kinds()) + ")");
        }
        return j;
    }

    /** Runs a spec with the job of its kind. */
    public static void run(JobSpec spec, JobContext ctx) throws IOException {
        if (spec.output() == null || spec.output().isBlank()) {
            // an empty path would write into whatever folder the process runs in
            throw new DeltaEvalException(DeltaEvalException.setting("output") + " is empty: name the folder to write "
                    + "into");
        }
        if (java.nio.file.Files.exists(Path.of(spec.output())) && !java.nio.file.Files.isDirectory(Path.of(spec.output()))) {
            throw new DeltaEvalException(DeltaEvalException.setting("output") + " " + spec.output() + " is a file, not "
                    + "a folder: name a folder to write the results into");
        }
        runTyped(of(spec.kind()), spec, ctx);
    }

    /** The spec writing into {@code out}. */
    public static JobSpec inFolder(JobSpec spec, Path out) {
        return inFolderTyped(of(spec.kind()), spec, out);
    }

    private static <S extends JobSpec> void runTyped(Job<S> job, JobSpec spec, JobContext ctx) throws IOException {
        job.run(job.specType().cast(spec), ctx);
    }

    private static <S extends JobSpec> JobSpec inFolderTyped(Job<S> job, JobSpec spec, Path out) {
        return job.inFolder(job.specType().cast(spec), out);
    }

    /** A plan section (JSON) planned with the job of its kind. */
    public static List<PlannedUnit> plan(String kind, com.fasterxml.jackson.databind.JsonNode section,
                                         PlanScope scope, String where) {
        return planTyped(of(kind), section, scope, where);
    }

    private static <S extends JobSpec> List<PlannedUnit> planTyped(Job<S> job,
                                                                   com.fasterxml.jackson.databind.JsonNode section,
                                                                   PlanScope scope, String where) {
        return job.plan(SpecJson.read(section, job.specType(), where), scope);
    }
}
