package dev.deltaeval.cli;

import dev.deltaeval.checkpoints.hub.HubCache;
import dev.deltaeval.checkpoints.hub.HubClient;
import dev.deltaeval.checkpoints.hub.HubDownloader;
import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.ProgressBytes;
import dev.deltaeval.tasks.DatasetFetcher;
import dev.deltaeval.tasks.DocumentReader;
import dev.deltaeval.tasks.LmEvalSemantics;
import dev.deltaeval.tasks.RequestBuilder;
import dev.deltaeval.tasks.ResultsWriter;
import dev.deltaeval.tasks.TaskDoc;
import dev.deltaeval.tasks.TaskRegistry;
import dev.deltaeval.tasks.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "data", mixinStandardHelpOptions = true, description = "Evaluation data.",
        subcommands = {DataCommand.Fetch.class, DataCommand.Requests.class})
final class DataCommand extends GroupCommand {

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Download each task's evaluation split from its canonical Hub dataset (lm-eval's "
                    + "dataset_path / dataset_name) into --data-dir, in the layout eval reads (Parquet converted to "
                    + "JSONL with DuckDB), with a .source.json naming the commit and files.",
                "Tasks with a Hub source: arc_easy, arc_challenge, boolq, hellaswag, lambada_openai, openbookqa, "
                    + "sciq, wikitext. HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE and HF_HUB_OFFLINE are honoured."})
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
            DatasetFetcher.checkFetchable(names, dataDir);
            Files.createDirectories(dataDir);
            DatasetFetcher fetcher = new DatasetFetcher(new HubDownloader(HubClient.fromEnvironment(),
                    HubCache.fromEnvironment()));
            for (String t : names) {
                DatasetFetcher.Fetched f = fetcher.fetch(t, dataDir, offline || CheckpointRef.offline(),
                        new ProgressBytes(t));
                System.out.printf("%-16s %6d documents -> %s (commit %s)%n", t, f.rows(), f.file(),
                        f.commit().substring(0, Math.min(12, f.commit().length())));
            }
            return 0;
        }
    }

    @Command(name = "requests", mixinStandardHelpOptions = true,
            description = {"Write the requests eval would send for each task (no model needed): one JSON line per "
                    + "document with its request arguments and target, as lm-eval's Instance.args holds them.",
                "Compare them with lm-eval's own task code: tools/lmeval/lm_eval_requests.py --compare FILE."})
    static final class Requests implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "TASK", description = "Tasks or groups.")
        List<String> tasks;

        @Option(names = {"--data-dir", "--data"}, defaultValue = "data/tasks-sample", paramLabel = "DIR",
                description = "Task data (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--lm-eval-compat", defaultValue = "current", paramLabel = "current|0.4.2",
                description = "lm-eval behaviour to reproduce (default: ${DEFAULT-VALUE}).")
        String compat;

        @Option(names = {"--output", "--out"}, required = true, paramLabel = "FILE", description = "JSONL file to write.")
        Path out;

        @Override
        public Integer call() throws IOException {
            LmEvalSemantics semantics = LmEvalSemantics.parse(compat);
            StringBuilder all = new StringBuilder();
            for (TaskSpec spec : TaskRegistry.resolve(tasks, dataDir)) {
                List<TaskDoc> docs = RequestBuilder.build(spec, DocumentReader.read(dataDir, spec, -1), semantics);
                all.append(ResultsWriter.requestsJsonl(spec, docs, semantics));
                System.err.printf("%s: %d documents, %d requests%n", spec.task(), docs.size(),
                        docs.stream().mapToInt(d -> d.requests().size()).sum());
            }
            AtomicFiles.writeString(out, all.toString());
            System.err.println("wrote " + out);
            return 0;
        }
    }
}
