package dev.deltaeval.jobs;

import dev.deltaeval.reports.ReportSection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** How a job's finished units become a run's results, and what they add to its report. */
public interface ResultKind {
    /**
     * Writes this kind's results of a run from its finished units (rebuilt from scratch each time, so merging
     * twice, or after more units finished, gives the same folder).
     */
    void merge(List<FinishedUnit> units, Path runDir) throws IOException;

    /** Folders of the run that the report reads as result files (recognised by their kind field). */
    List<Path> reportInputs(Path runDir);

    /** Sections of the report that this kind writes itself (none for the built-in kinds). */
    default List<ReportSection> reportSections(Path runDir) throws IOException {
        return List.of();
    }
}
