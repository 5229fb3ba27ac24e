package dev.deltaeval.jobs.rank;

import dev.deltaeval.jobs.FinishedUnit;
import dev.deltaeval.jobs.ResultKind;
import dev.deltaeval.jobs.RunFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A run's rank units as rank/MODEL/ (the result file and its charts). */
final class RankResults implements ResultKind {
    static final String FOLDER = "rank";

    @Override
    public void merge(List<FinishedUnit> units, Path runDir) throws IOException {
        Path folder = runDir.resolve(FOLDER);
        RunFolders.deleteTree(folder);
        for (FinishedUnit u : units) {
            RunFolders.copyTree(u.dir(), folder.resolve(u.model()));
        }
    }

    @Override
    public List<Path> reportInputs(Path runDir) {
        return RunFolders.existing(runDir.resolve(FOLDER));
    }
}
