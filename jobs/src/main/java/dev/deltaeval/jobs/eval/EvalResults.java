package dev.deltaeval.jobs.eval;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.jobs.FinishedUnit;
import dev.deltaeval.jobs.ResultKind;
import dev.deltaeval.jobs.RunFolders;
import dev.deltaeval.reports.ResultsMerge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A run's eval units as one lm-eval results file per checkpoint: eval/MODEL/results_merged.json (+ samples). */
final class EvalResults implements ResultKind {
    static final String FOLDER = "eval";

    @Override
    public void merge(List<FinishedUnit> units, Path runDir) throws IOException {
        Path eval = runDir.resolve(FOLDER);
        RunFolders.deleteTree(eval);
        Map<String, List<Path>> byModel = new LinkedHashMap<>();
        for (FinishedUnit u : units) {
            // lm-eval's layout puts them in a folder per model; units written before that, directly in the unit
            Path results = RunFolders.only(u.dir(), 2, "results_", ".json");
            byModel.computeIfAbsent(u.model(), k -> new ArrayList<>()).add(results);
            String stamp = results.getFileName().toString().replaceFirst("^results_", "").replaceFirst("\\.json$", "");
            try (Stream<Path> s = Files.list(results.getParent())) {
                for (Path f : s.filter(f -> f.getFileName().toString().startsWith("samples_")).toList()) {
                    Path to = eval.resolve(u.model()).resolve(f.getFileName().toString()
                            .replace("_" + stamp + ".jsonl", "_merged.jsonl"));
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        for (Map.Entry<String, List<Path>> e : byModel.entrySet()) {
            AtomicFiles.writeJson(eval.resolve(e.getKey()).resolve("results_merged.json"),
                    ResultsMerge.merge(e.getValue()));
        }
    }

    @Override
    public List<Path> reportInputs(Path runDir) {
        return RunFolders.existing(runDir.resolve(FOLDER));
    }
}
