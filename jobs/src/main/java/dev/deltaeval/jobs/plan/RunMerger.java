package dev.deltaeval.jobs.plan;

import dev.deltaeval.jobs.FinishedUnit;
import dev.deltaeval.jobs.Jobs;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.jobs.ResultKind;
import dev.deltaeval.reports.ReportBuilder;
import dev.deltaeval.reports.ReportInputs;
import dev.deltaeval.reports.ReportSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finished work units to the run folder an unsharded run presents, each job's result kind merging its own units
 * (eval/MODEL/results_merged.json, extrapolation/*.json with charts, rank/MODEL/, ...), then report/. Rebuilt from
 * the units each time, so merging twice, or after more units finished, gives the same folder.
 */
public final class RunMerger {
    /** @param missing ids of units not finished; failed: ids with a .failed marker */
    public record Status(List<String> missing, List<String> failed) {
    }

    private RunMerger() {
    }

    public static Status status(Path run, List<PlannedUnit> units) {
        UnitRunner r = new UnitRunner(run);
        List<String> missing = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (PlannedUnit u : units) {
            if (!r.isDone(u)) {
                missing.add(u.id());
                if (Files.exists(r.failedMarker(u))) {
                    failed.add(u.id());
                }
            }
        }
        return new Status(missing, failed);
    }

    public static void merge(Path run, List<PlannedUnit> units, String title) throws IOException {
        UnitRunner r = new UnitRunner(run);
        Map<String, List<FinishedUnit>> byKind = new LinkedHashMap<>();
        for (PlannedUnit u : units) {
            List<FinishedUnit> finished = byKind.computeIfAbsent(u.kind(), k -> new ArrayList<>());
            if (r.isDone(u)) {
                finished.add(new FinishedUnit(u.id(), u.model(), r.doneDir(u)));
            }
        }
        List<Path> inputs = new ArrayList<>();
        List<ReportSection> sections = new ArrayList<>();
        for (Map.Entry<String, List<FinishedUnit>> e : byKind.entrySet()) {
            ResultKind kind = Jobs.of(e.getKey()).results();
            kind.merge(e.getValue(), run);
            inputs.addAll(kind.reportInputs(run));
            sections.addAll(kind.reportSections(run));
        }
        if (!inputs.isEmpty() || !sections.isEmpty()) {
            ReportBuilder.build(inputs.isEmpty() ? ReportInputs.none() : ReportInputs.scan(inputs), run.resolve("report"),
                    title, sections);
        }
    }
}
