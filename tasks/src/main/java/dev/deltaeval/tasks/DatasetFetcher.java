package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.checkpoints.hub.HubDownloader;
import dev.deltaeval.checkpoints.hub.HubException;
import dev.deltaeval.checkpoints.hub.HubFile;
import dev.deltaeval.checkpoints.hub.HubRepo;
import dev.deltaeval.common.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code data fetch}: a task's evaluation split from its canonical Hub dataset (lm-eval.md §3.1, declared in the
 * task definition's {@code data.hub}) into the data directory, as the Hugging Face JSONL export that {@code eval}
 * reads. Hub datasets are Parquet; DuckDB reads them (nested columns become nested JSON, as datasets' to_json).
 */
public final class DatasetFetcher {
    /** Where a task's data lives on the Hub. */
    public record HubSource(String dataset, String config, String split, String revision) {
    }

    /** @param file the JSONL written; rows its document count */
    public record Fetched(String task, Path file, int rows, String commit) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HubDownloader downloader;

    public DatasetFetcher(HubDownloader downloader) {
        this.downloader = downloader;
    }

    public static Optional<HubSource> source(String task) {
        TaskRegistry.get(task); // unknown task: the registry's error
        try (InputStream in = TaskRegistry.definition(task)) {
            JsonNode hub = JSON.readTree(in).path("data").path("hub");
            if (hub.isMissingNode()) {
                return Optional.empty();
            }
            return Optional.of(new HubSource(hub.path("dataset").asText(), hub.path("config").asText(null),
                    hub.path("split").asText(), hub.path("revision").asText("main")));
        } catch (IOException e) {
            throw new IllegalStateException("bundled task definition " + task + " is unreadable", e);
        }
    }

    /**
     * Refuses, before any download, a list with tasks that have no Hub dataset, naming the files to place by hand
     * (a fetch that fails on its fourth task after three downloads wastes the user's time and bandwidth).
     */
    public static void checkFetchable(java.util.List<String> tasks, Path dataDir) {
        java.util.List<String> missing = tasks.stream().filter(t -> source(t).isEmpty()).toList();
        if (missing.isEmpty()) {
            return;
        }
        String files = missing.stream().map(t -> {
            TaskSpec spec = TaskRegistry.get(t);
            return t + ": " + spec.dataFile() + (spec.labelsFile() == null ? "" : " and " + spec.labelsFile());
        }).collect(java.util.stream.Collectors.joining("; "));
        throw new TaskException(String.join(", ", missing) + (missing.size() == 1 ? " has" : " have") + " no Hub "
                + "dataset to fetch, so nothing was downloaded: place its files in " + dataDir + " by hand (" + files
                + "; see data/tasks-sample/README.md), or fetch only " + TaskRegistry.names().stream()
                .filter(t -> source(t).isPresent()).collect(java.util.stream.Collectors.joining(", ")));
    }

    public Fetched fetch(String task, Path dataDir, boolean offline, HubDownloader.Listener listener) {
        HubSource src = source(task).orElseThrow(() -> new TaskException("task " + task + " has no Hub dataset to "
                + "fetch; place its files in the data directory by hand (see data/tasks-sample/README.md)"));
        TaskSpec spec = TaskRegistry.get(task);
        HubRepo repo = new HubRepo(HubRepo.Kind.DATASET, src.dataset(), src.revision());
        Predicate<String> wanted = p -> splitFile(p, src);
        HubDownloader.Result got;
        try {
            got = downloader.fetch(repo, wanted, offline, listener);
        } catch (HubException e) {
            if (offline || !e.getMessage().contains("no files to download")) {
                throw e;
            }
            // script datasets are served as Parquet on the Hub's conversion branch
            got = downloader.fetch(repo.at("refs/convert/parquet"), wanted, false, listener);
        }
        HubDownloader.Result r = got;
        List<Path> parquet = (r.files().isEmpty() ? listParquet(r.snapshot(), wanted)
                : r.files().stream().map(HubFile::path).sorted().map(r.snapshot()::resolve).toList());
        if (parquet.isEmpty()) {
            throw new TaskException("task " + task + ": " + repo + " has no Parquet file for config " + src.config()
                    + ", split " + src.split());
        }
        Path out = dataDir.resolve(spec.dataFile());
        int rows = toJsonl(parquet, out, task);
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("task", task);
        prov.put("dataset", src.dataset());
        prov.put("config", src.config());
        prov.put("split", src.split());
        prov.put("commit", r.commit());
        prov.put("files", parquet.stream().map(p -> r.snapshot().relativize(p).toString()).toList());
        prov.put("rows", rows);
        try {
            AtomicFiles.writeJson(dataDir.resolve(spec.dataFile() + ".source.json"), prov);
        } catch (IOException e) {
            throw new TaskException("task " + task + ": cannot write " + dataDir + " (" + e.getMessage() + ")");
        }
        return new Fetched(task, out, rows, r.commit());
    }

    /** config/split-00000-of-00001.parquet, config/split/0000.parquet, or split-*.parquet without a config. */
    static boolean splitFile(String path, HubSource src) {
        if (!path.endsWith(".parquet")) {
            return false;
        }
        String rest = path;
        if (src.config() != null) {
            int at = path.indexOf(src.config() + "/");
            if (at < 0 || at > 0 && path.charAt(at - 1) != '/') {
                return false;
            }
            rest = path.substring(at + src.config().length() + 1);
        }
        String name = rest.substring(rest.lastIndexOf('/') + 1);
        return rest.startsWith(src.split() + "/") || name.startsWith(src.split() + "-") || name.equals(src.split()
                + ".parquet");
    }

    private static List<Path> listParquet(Path snapshot, Predicate<String> wanted) {
        try (var s = java.nio.file.Files.walk(snapshot)) {
            return s.filter(p -> wanted.test(snapshot.relativize(p).toString().replace('\\', '/'))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static int toJsonl(List<Path> parquet, Path out, String task) {
        StringBuilder list = new StringBuilder();
        for (Path p : parquet) {
            list.append(list.length() == 0 ? "" : ", ").append('\'').append(p.toAbsolutePath().toString()
                    .replace("'", "''")).append('\'');
        }
        StringBuilder jsonl = new StringBuilder();
        int rows = 0;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT to_json(t)::VARCHAR FROM read_parquet([" + list + "]) t")) {
            while (r.next()) {
                jsonl.append(r.getString(1)).append('\n');
                rows++;
            }
        } catch (SQLException e) {
            throw new TaskException("task " + task + ": cannot read the Parquet files " + parquet + " ("
                    + e.getMessage().split("\n")[0] + ")");
        }
        if (rows == 0) {
            throw new TaskException("task " + task + ": the Parquet files hold no rows");
        }
        try {
            AtomicFiles.writeString(out, jsonl.toString());
        } catch (IOException e) {
            throw new TaskException("task " + task + ": cannot write " + out + " (" + e.getMessage() + ")");
        }
        return rows;
    }
}
