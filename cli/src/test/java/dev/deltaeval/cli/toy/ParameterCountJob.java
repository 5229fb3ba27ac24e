package dev.deltaeval.cli.toy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.FinishedUnit;
import dev.deltaeval.jobs.Job;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.JobSpec;
import dev.deltaeval.jobs.PlanScope;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.jobs.ResultKind;
import dev.deltaeval.jobs.RunFolders;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.reports.ReportSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A job for tests only: counts each checkpoint's parameters, with its own result kind (a JSON file per
 * checkpoint) and report section. It plugs in through META-INF/services alone.
 */
public final class ParameterCountJob implements Job<ParameterCountJob.Spec> {
    public static final String KIND = "parameter_count";

    /** @param label what the report calls the number */
    public record Spec(String checkpoint, String label, String output) implements JobSpec {
        public Spec {
            label = label == null ? "parameters" : label;
        }

        @Override
        public String kind() {
            return KIND;
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<Spec> specType() {
        return Spec.class;
    }

    @Override
    public List<PlannedUnit> plan(Spec section, PlanScope scope) {
        return List.of(new PlannedUnit(KIND + "/" + scope.model(), scope.model(),
                new Spec(scope.checkpoint(), section.label(), scope.output()), 1));
    }

    @Override
    public Spec inFolder(Spec spec, Path out) {
        return new Spec(spec.checkpoint(), spec.label(), out.toString());
    }

    @Override
    public void run(Spec spec, JobContext ctx) throws IOException {
        ModelCheckpoint c = CheckpointRef.open(Path.of(spec.checkpoint()));
        AtomicFiles.writeJson(Path.of(spec.output()).resolve("count.json"), Map.of("kind", KIND, "model",
                CheckpointRef.label(c), "label", spec.label(), "count", c.parameterCount()));
        ctx.out().println(CheckpointRef.label(c) + ": " + c.parameterCount());
    }

    @Override
    public ResultKind results() {
        return new ResultKind() {
            @Override
            public void merge(List<FinishedUnit> units, Path runDir) throws IOException {
                Path folder = runDir.resolve(KIND);
                RunFolders.deleteTree(folder);
                for (FinishedUnit u : units) {
                    Files.createDirectories(folder);
                    Files.copy(u.dir().resolve("count.json"), folder.resolve(u.model() + ".json"));
                }
            }

            @Override
            public List<Path> reportInputs(Path runDir) {
                return List.of(); // the report's own readers know nothing of this kind: it writes its section
            }

            @Override
            public List<ReportSection> reportSections(Path runDir) throws IOException {
                List<String> lines = new ArrayList<>();
                try (Stream<Path> files = Files.list(runDir.resolve(KIND))) {
                    for (Path f : files.sorted().toList()) {
                        var n = new ObjectMapper().readTree(f.toFile());
                        lines.add(n.get("model").asText() + ": " + n.get("count").asLong() + " " + n.get("label")
                                .asText());
                    }
                }
                return List.of(new ReportSection("Parameter counts", lines));
            }
        };
    }
}
