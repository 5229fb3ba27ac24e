package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.extrapolation.ExtrapolationCharts;
import dev.deltaeval.extrapolation.ExtrapolationReport;
import dev.deltaeval.reports.ReportBuilder;
import dev.deltaeval.reports.ReportInputs;
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

/**
 * Finished work units to the run folder an unsharded run presents: eval/MODEL/results_merged.json (+ samples),
 * extrapolation/*.json with charts over every checkpoint, rank/MODEL/, and report/. Rebuilt from the units each
 * time, so merging twice, or after more units finished, gives the same folder.
 */
final class RunMerger {
    /** @param missing ids of units not finished; failed: ids with a .failed marker */
    record Status(List<String> missing, List<String> failed) {
    }

    private RunMerger() {
    }

    static Status status(Path run, List<WorkUnit> units) {
        UnitRunner r = new UnitRunner(run);
        List<String> missing = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (WorkUnit u : units) {
            if (!r.isDone(u)) {
                missing.add(u.id());
                if (Files.exists(r.failedMarker(u))) {
                    failed.add(u.id());
                }
            }
        }
        return new Status(missing, failed);
    }

    static void merge(Path run, List<WorkUnit> units, String title) throws IOException {
        UnitRunner r = new UnitRunner(run);
        Map<String, List<Path>> evalByModel = new LinkedHashMap<>();
        List<ExtrapolationReport> extrapolations = new ArrayList<>();
        deleteTree(run.resolve("eval"));
        deleteTree(run.resolve("extrapolation"));
        deleteTree(run.resolve("rank"));
        for (WorkUnit u : units) {
            if (!r.isDone(u)) {
                continue;
            }
            Path dir = r.doneDir(u);
            switch (u.kind()) {
                case "eval" -> {
                    // lm-eval's layout puts them in a folder per model; units written before that, directly in dir
                    Path results = onlyResults(dir);
                    evalByModel.computeIfAbsent(u.model(), k -> new ArrayList<>()).add(results);
                    String stamp = results.getFileName().toString().replaceFirst("^results_", "")
                            .replaceFirst("\\.json$", "");
                    try (Stream<Path> s = Files.list(results.getParent())) {
                        for (Path f : s.filter(f -> f.getFileName().toString().startsWith("samples_")).toList()) {
                            Path to = run.resolve("eval").resolve(u.model()).resolve(f.getFileName().toString()
                                    .replace("_" + stamp + ".jsonl", "_merged.jsonl"));
                            Files.createDirectories(to.getParent());
                            Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                case "extrapolate" -> {
                    Path json = only(dir, "", ".json");
                    Path to = run.resolve("extrapolation").resolve(json.getFileName());
                    Files.createDirectories(to.getParent());
                    Files.copy(json, to, StandardCopyOption.REPLACE_EXISTING);
                    extrapolations.add(ExtrapolationReport.read(to));
                }
                default -> copyTree(dir, run.resolve("rank").resolve(u.model()));
            }
        }
        for (Map.Entry<String, List<Path>> e : evalByModel.entrySet()) {
            AtomicFiles.writeJson(run.resolve("eval").resolve(e.getKey()).resolve("results_merged.json"),
                    ResultsMerge.merge(e.getValue()));
        }
        Map<String, List<ExtrapolationReport>> groups = new LinkedHashMap<>();
        for (ExtrapolationReport x : extrapolations) {
            groups.computeIfAbsent(x.dataset() + "_" + x.maxLen(), k -> new ArrayList<>()).add(x);
        }
        for (Map.Entry<String, List<ExtrapolationReport>> g : groups.entrySet()) {
            ExtrapolationCharts.write(g.getValue(), run.resolve("extrapolation").resolve("plots"), g.getKey(), 1);
        }
        List<Path> inputs = new ArrayList<>();
        for (String sub : new String[] {"eval", "extrapolation", "rank"}) {
            if (Files.isDirectory(run.resolve(sub))) {
                inputs.add(run.resolve(sub));
            }
        }
        if (!inputs.isEmpty()) {
            ReportBuilder.build(ReportInputs.scan(inputs), run.resolve("report"), title);
        }
    }

    /** The one results_*.json of an eval unit: in its model folder (lm-eval's layout) or, for older units, in dir. */
    static Path onlyResults(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            List<Path> f = s.filter(p -> p.getFileName().toString().startsWith("results_")
                    && p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p)).toList();
            if (f.size() != 1) {
                throw new IllegalArgumentException(dir + ": expected one results_*.json file, found " + f.size());
            }
            return f.get(0);
        }
    }

    private static Path only(Path dir, String prefix, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> f = s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).toList();
            if (f.size() != 1) {
                throw new IllegalArgumentException(dir + ": expected one " + prefix + "*" + suffix + " file, found "
                        + f.size());
            }
            return f.get(0);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().equals(".done")) {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
