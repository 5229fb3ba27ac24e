package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The layering rules of docs/architecture.md, read from the sources of every module: no package depends on itself
 * through others (Maven already refuses cycles between modules; this finds them between packages, inside a module
 * too), and below the CLI no message names a CLI option (they name settings, which the CLI writes as its flags).
 */
class ArchitectureTest {
    static final Path ROOT = Path.of("..");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.deltaeval(?:\\.[a-z]\\w*)+)\\.[A-Z]");
    private static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");

    private static List<Path> mainSources() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path m : modules.filter(d -> Files.isDirectory(d.resolve("src/main/java"))).sorted().toList()) {
                try (Stream<Path> files = Files.walk(m.resolve("src/main/java"))) {
                    files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(out::add);
                }
            }
        }
        assertTrue(out.size() > 200, "found the modules' sources: " + out.size());
        return out;
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (Path f : mainSources()) {
            String src = Files.readString(f);
            Matcher p = PACKAGE.matcher(src);
            if (!p.find()) {
                continue;
            }
            Set<String> out = uses.computeIfAbsent(p.group(1), k -> new TreeSet<>());
            Matcher r = REFERENCE.matcher(src);
            while (r.find()) {
                if (!r.group(1).equals(p.group(1))) {
                    out.add(r.group(1));
                }
            }
        }
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            List<String> path = pathBack(start, uses);
            if (path != null) {
                cycles.add(String.join(" -> ", path));
            }
        }
        assertEquals(List.of(), cycles);
    }

    /** A shortest path start -> ... -> start through the uses, or null. */
    private static List<String> pathBack(String start, Map<String, Set<String>> uses) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(uses.getOrDefault(start, Set.of()));
        uses.getOrDefault(start, Set.of()).forEach(n -> cameFrom.put(n, start));
        while (!queue.isEmpty()) {
            String n = queue.poll();
            if (n.equals(start)) {
                List<String> path = new ArrayList<>(List.of(start));
                for (String at = cameFrom.get(start); !at.equals(start); at = cameFrom.get(at)) {
                    path.add(0, at);
                }
                path.add(0, start);
                return path;
            }
            for (String next : uses.getOrDefault(n, Set.of())) {
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, n);
                    queue.add(next);
                }
            }
        }
        return null;
    }

    /** Every option name of every command, from picocli's model of the CLI. */
    private static Set<String> optionNames() {
        Set<String> out = new TreeSet<>();
        Deque<CommandLine> todo = new ArrayDeque<>(List.of(new CommandLine(new DeltaEvalCli())));
        while (!todo.isEmpty()) {
            CommandLine c = todo.poll();
            c.getCommandSpec().options().forEach(o -> out.addAll(List.of(o.names())));
            todo.addAll(c.getSubcommands().values());
        }
        out.removeIf(n -> !n.startsWith("--"));
        return out;
    }

    @Test
    void belowTheCliNoMessageNamesACliOption() throws IOException {
        Set<String> options = optionNames();
        assertTrue(options.contains("--device") && options.contains("--gpus"), "read the CLI's options");
        List<String> found = new ArrayList<>();
        for (Path f : mainSources()) {
            if (f.startsWith(ROOT.resolve("cli"))) {
                continue;
            }
            // statements, comments dropped; a message is what is thrown, printed or returned as one
            String code = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
            for (String statement : code.split(";")) {
                if (!(statement.contains("Exception(") || statement.contains("System.err")
                        || statement.contains("System.out") || statement.contains(".println(")
                        || statement.contains(".printf(") || statement.contains("return "))) {
                    continue;
                }
                Matcher lit = LITERAL.matcher(statement);
                while (lit.find()) {
                    for (String o : options) {
                        if (Pattern.compile("(?<![\\w-])" + Pattern.quote(o) + "(?![\\w-])").matcher(lit.group())
                                .find()) {
                            found.add(ROOT.relativize(f) + ": " + o + " in " + lit.group());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
