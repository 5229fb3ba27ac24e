package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs work units in a shared run folder so that many processes (GPUs of one host, nodes sharing a file system) can
 * work side by side: a unit writes into {@code units/ID.partial/} (where its own resume state survives a kill),
 * holds a lock file while it runs, and becomes {@code units/ID/} by one atomic rename when it has finished, with a
 * {@code .done} record. A finished unit is never run again; a failed one leaves {@code units/ID.failed}. What a
 * unit prints goes to its own {@code console.txt}, so that a plan's console shows progress and one summary instead
 * of every unit's tables. The lock file goes once the unit is published (a failed unit keeps it with its partial
 * folder, which holds its resume state).
 */
final class UnitRunner {
    enum Outcome { DONE, SKIPPED, BUSY, FAILED }

    private final Path units;

    UnitRunner(Path runDir) {
        this.units = runDir.resolve("units");
    }

    Path doneDir(WorkUnit u) {
        return units.resolve(u.id());
    }

    boolean isDone(WorkUnit u) {
        return Files.exists(doneDir(u).resolve(".done"));
    }

    Path failedMarker(WorkUnit u) {
        return units.resolve(u.id() + ".failed");
    }

    Outcome run(WorkUnit u) throws IOException {
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
            System.err.println("== unit " + u.id() + ": deltaeval " + String.join(" ", u.argsFor(partial)));
            long t0 = System.nanoTime();
            java.io.StringWriter errors = new java.io.StringWriter();
            int code;
            java.io.PrintStream console = System.out;
            try (java.io.PrintStream unitOut = new java.io.PrintStream(Files.newOutputStream(partial.resolve(
                    "console.txt")), true, java.nio.charset.StandardCharsets.UTF_8)) {
                System.setOut(unitOut);
                code = DeltaEvalCli.execute(errors, u.argsFor(partial).toArray(new String[0]));
            } finally {
                System.setOut(console);
            }
            if (code != 0) {
                String why = errors.toString().strip();
                AtomicFiles.writeString(failedMarker(u), "exit " + code + ": " + (why.isEmpty() ? "(no message)"
                        : why.lines().reduce((a, b) -> b).orElse("")) + "\ncommand: deltaeval "
                        + String.join(" ", u.argsFor(partial)) + "\n");
                return Outcome.FAILED;
            }
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("id", u.id());
            done.put("args", u.args());
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
     * ", with other settings: --device cpu (now gpu)" when the unit was finished with options this run sets
     * differently (a finished unit is not redone; delete its folder to redo it), else "".
     */
    String settingsDiffer(WorkUnit u) {
        List<String> before;
        try {
            before = new com.fasterxml.jackson.databind.ObjectMapper().readValue(doneDir(u).resolve(".done").toFile(),
                    DoneRecord.class).args();
        } catch (IOException | RuntimeException e) {
            return "";
        }
        if (before == null) {
            return "";
        }
        Map<String, String> was = options(before);
        List<String> diffs = new java.util.ArrayList<>();
        options(u.args()).forEach((k, v) -> {
            String old = was.get(k);
            if (!v.equals(old)) {
                diffs.add(k + " " + (old == null ? "unset" : old) + " (now " + v + ")");
            }
        });
        return diffs.isEmpty() ? "" : ", with other settings: " + String.join(", ", diffs) + "; delete "
                + doneDir(u) + " to redo it";
    }

    private static Map<String, String> options(List<String> args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).startsWith("--") && !args.get(i + 1).startsWith("--")) {
                m.put(args.get(i), args.get(i + 1));
            }
        }
        return m;
    }

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record DoneRecord(List<String> args) {
    }
}
