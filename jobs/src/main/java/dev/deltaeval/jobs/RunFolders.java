package dev.deltaeval.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File operations that merging a run's units needs: finding a unit's one result file, copying, clearing. */
public final class RunFolders {
    private RunFolders() {
    }

    /** The one file of {@code dir} (searched {@code depth} levels down) whose name has this prefix and suffix. */
    public static Path only(Path dir, int depth, String prefix, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(dir, depth)) {
            List<Path> f = s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).toList();
            if (f.size() != 1) {
                throw new IllegalArgumentException(dir + ": expected one " + prefix + "*" + suffix + " file, found "
                        + f.size());
            }
            return f.get(0);
        }
    }

    /** Copies a folder's files (not its .done record) into {@code to}, replacing what is there. */
    public static void copyTree(Path from, Path to) throws IOException {
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

    /** The folder, if it exists, as a list of one. */
    public static List<Path> existing(Path dir) {
        return Files.isDirectory(dir) ? List.of(dir) : List.of();
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
