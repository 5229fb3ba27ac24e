package dev.deltaeval.jobs.extrapolation;

import dev.deltaeval.extrapolation.ExtrapolationCharts;
import dev.deltaeval.extrapolation.ExtrapolationReport;
import dev.deltaeval.jobs.FinishedUnit;
import dev.deltaeval.jobs.ResultKind;
import dev.deltaeval.jobs.RunFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run's extrapolation units as extrapolation/*.json, with charts over every checkpoint per data set and length. */
final class ExtrapolationResults implements ResultKind {
    static final String FOLDER = "extrapolation";

    @Override
    public void merge(List<FinishedUnit> units, Path runDir) throws IOException {
        Path folder = runDir.resolve(FOLDER);
        RunFolders.deleteTree(folder);
        Map<String, List<ExtrapolationReport>> groups = new LinkedHashMap<>();
        for (FinishedUnit u : units) {
            Path json = RunFolders.only(u.dir(), 1, "", ".json");
            Path to = folder.resolve(json.getFileName());
            Files.createDirectories(folder);
            Files.copy(json, to, StandardCopyOption.REPLACE_EXISTING);
            ExtrapolationReport r = ExtrapolationReport.read(to);
            groups.computeIfAbsent(r.dataset() + "_" + r.maxLen(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<ExtrapolationReport>> g : groups.entrySet()) {
            ExtrapolationCharts.write(g.getValue(), folder.resolve("plots"), g.getKey(), 1);
        }
    }

    @Override
    public List<Path> reportInputs(Path runDir) {
        return RunFolders.existing(runDir.resolve(FOLDER));
    }
}
