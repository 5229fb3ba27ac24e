package dev.deltaeval.jobs.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.JobSpec;
import dev.deltaeval.jobs.Jobs;
import dev.deltaeval.jobs.PlannedUnit;
import dev.deltaeval.jobs.SpecJson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs work units in a shared run folder so that many processes (GPUs of one host, nodes sharing a file system) can
 * work side by side: a unit runs its job in this process, writing into {@code units/ID.partial/} (where its own
 * resume state survives a kill), holds a lock file while it runs, and becomes {@code units/ID/} by one atomic
 * rename when it has finished, with a {@code .done} record of its spec and the spec's hash. A finished unit is never
 * run again; a failed one leaves {@code units/ID.failed}. What a unit prints goes to its own {@code console.txt}, so
 * that a plan's console shows progress and one summary instead of every unit's tables.
 */
public final class UnitRunner {
    public enum Outcome { DONE, SKIPPED, BUSY, FAILED }

    private final Path units;
    private boolean saidEarlierVersion;

    public UnitRunner(Path runDir) {
        this.units = runDir.resolve("units");
    }

    public Path doneDir(PlannedUnit u) {
        return units.resolve(u.id());
    }

    public boolean isDone(PlannedUnit u) {
        return Files.exists(doneDir(u).resolve(".done"));
    }

    public Path failedMarker(PlannedUnit u) {
        return units.resolve(u.id() + ".failed");
    }

    public Outcome run(PlannedUnit u) throws IOException {
        if (isDone(u)) {
            System.err.println("skip " + u.id() + " (done" + settingsDiffer(u) + ")");
            return Outcome.SKIPPED;
        }
        Path partial = units.resolve(u.id() + ".partial");
        Files.createDirectories(partial);
        try (FileChannel ch = FileChannel.open(units.resolve(u.id() + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
            if (lock == null || isDone(u)) {
                System.err.println("skip " + u.id() + (lock == null ? " (running in another process)" : " (done)"));
                return lock == null ? Outcome.BUSY : Outcome.SKIPPED;
            }
            JobSpec spec = Jobs.inFolder(u.spec(), partial);
            System.err.println("== unit " + u.id() + ": " + u.kind() + " " + SpecJson.tree(spec));
            long t0 = System.nanoTime();
            String error = null;
            int code = 0;
            try (PrintStream console = new PrintStream(Files.newOutputStream(partial.resolve("console.txt")), true,
                    StandardCharsets.UTF_8)) {
                JobContext ctx = () -> console;
                Jobs.run(spec, ctx);
            } catch (DeltaEvalException e) {
                code = e.exitCode();
                error = e.getMessage(); // settings named as the plan names them
            } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                code = DeltaEvalException.EXIT_BAD_INPUT;
                error = e.getMessage();
            } catch (RuntimeException e) {
                code = 1;
                error = "internal error: " + e;
            }
            if (error != null) {
                String line = "deltaeval: error: " + error.split("\n")[0];
                System.err.println(line);
                AtomicFiles.writeString(failedMarker(u), "exit " + code + ": " + line + "\nunit: " + u.kind() + " "
                        + SpecJson.tree(spec) + "\n");
                return Outcome.FAILED;
            }
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("id", u.id());
            done.put("kind", u.kind());
            done.put("spec", SpecJson.tree(u.spec()));
            done.put("spec_sha256", SpecJson.hash(u.spec()));
            done.put("seconds", (System.nanoTime() - t0) / 1e9);
            done.put("pid", ProcessHandle.current().pid());
            AtomicFiles.writeJson(partial.resolve(".done"), done);
            Files.deleteIfExists(failedMarker(u));
            Files.createDirectories(doneDir(u).getParent());
            Files.move(partial, doneDir(u), StandardCopyOption.ATOMIC_MOVE);
            // still holding the lock: a process that opened the old file finds the unit done once it gets the lock
            Files.deleteIfExists(units.resolve(u.id() + ".lock"));
            return Outcome.DONE;
        }
    }

    /**
     * ", with other settings: device cpu (now gpu)" when the unit was finished with a spec this run sets
     * differently (a finished unit is not redone; delete its folder to redo it), else "". Units finished by a
     * version that recorded command lines instead of specs are not compared.
     */
    public String settingsDiffer(PlannedUnit u) {
        JsonNode before;
        try {
            before = new ObjectMapper().readTree(doneDir(u).resolve(".done").toFile()).path("spec");
        } catch (IOException | RuntimeException e) {
            return "";
        }
        if (!before.isObject()) {
            if (!saidEarlierVersion) {
                System.err.println("deltaeval: note: " + units + " holds units finished by an earlier version, which "
                        + "recorded command lines; their settings are not compared with the plan's");
                saidEarlierVersion = true;
            }
            return "";
        }
        ObjectNode now = SpecJson.tree(u.spec());
        List<String> diffs = new ArrayList<>();
        for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            JsonNode was = before.path(k);
            JsonNode is = now.get(k);
            if (!(was.isMissingNode() && is.isNull()) && !was.equals(is)) {
                diffs.add(k + " " + show(was) + " (now " + show(is) + ")");
            }
        }
        return diffs.isEmpty() ? "" : ", with other settings: " + String.join(", ", diffs) + "; delete "
                + doneDir(u) + " to redo it";
    }

    private static String show(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "unset" : n.isTextual() ? n.asText() : n.toString();
    }
}
