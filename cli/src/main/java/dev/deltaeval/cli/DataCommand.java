package dev.deltaeval.cli;

import dev.deltaeval.checkpoints.hub.HubCache;
import dev.deltaeval.checkpoints.hub.HubClient;
import dev.deltaeval.checkpoints.hub.HubDownloader;
import dev.deltaeval.tasks.DatasetFetcher;
import dev.deltaeval.tasks.TaskRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "data", mixinStandardHelpOptions = true, description = "Evaluation data.",
        subcommands = {DataCommand.Fetch.class})
final class DataCommand extends GroupCommand {

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Download each task's evaluation split from its canonical Hub dataset (lm-eval's "
                    + "dataset_path / dataset_name) into --data-dir, in the layout eval reads (Parquet converted to "
                    + "JSONL with DuckDB), with a .source.json naming the commit and files.",
                "Tasks with a Hub source: arc_easy, arc_challenge, hellaswag, lambada_openai, openbookqa, sciq, "
                    + "wikitext. HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE and HF_HUB_OFFLINE are honoured."})
    static final class Fetch implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "TASK", description = "Tasks or groups.")
        List<String> tasks;

        @Option(names = {"--data-dir", "--data"}, defaultValue = "data/tasks", paramLabel = "DIR",
                description = "Where eval will read them (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--offline", description = "Use only the Hugging Face cache.")
        boolean offline;

        @Override
        public Integer call() throws IOException {
            List<String> names = TaskRegistry.expand(tasks);
            Files.createDirectories(dataDir);
            DatasetFetcher fetcher = new DatasetFetcher(new HubDownloader(HubClient.fromEnvironment(),
                    HubCache.fromEnvironment()));
            for (String t : names) {
                DatasetFetcher.Fetched f = fetcher.fetch(t, dataDir, offline || CheckpointArg.offline(),
                        new ProgressBytes(t));
                System.out.printf("%-16s %6d documents -> %s (commit %s)%n", t, f.rows(), f.file(),
                        f.commit().substring(0, Math.min(12, f.commit().length())));
            }
            return 0;
        }
    }
}
