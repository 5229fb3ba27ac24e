package dev.deltaeval.cli;

import dev.deltaeval.checkpoints.hub.HubCache;
import dev.deltaeval.checkpoints.hub.HubClient;
import dev.deltaeval.checkpoints.hub.HubDownloader;
import dev.deltaeval.checkpoints.hub.HubRepo;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.ProgressBytes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Download a model repository from the Hugging Face Hub (config, safetensors and shard index, "
                + "tokenizer files) into the Hugging Face cache and print the local directory.",
            "Resumes an interrupted transfer (HTTP Range), verifies every file against the Hub's hash (LFS sha256, "
                + "git blob id) before it gets its final name. HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE / HF_HOME and "
                + "HF_HUB_OFFLINE are honoured. Any command that takes a CHECKPOINT also accepts hf:ORG/NAME."})
final class FetchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "hf:ORG/NAME[@REV]", description = "The repository (revision: branch, tag "
            + "or commit; default main).")
    String ref;

    @Option(names = "--offline", description = "Use only the cache (also HF_HUB_OFFLINE=1).")
    boolean offline;

    @Override
    public Integer call() {
        HubRepo repo = HubRepo.parse(ref);
        HubDownloader.Result r = new HubDownloader(HubClient.fromEnvironment(), HubCache.fromEnvironment())
                .fetch(repo, HubDownloader.MODEL_FILES, offline || CheckpointRef.offline(), new ProgressBytes(ref));
        System.err.printf("%s at %s: %d files, %.1f MB downloaded%n", repo, r.commit(), r.files().size(),
                r.downloaded() / 1e6);
        System.out.println(r.snapshot());
        return 0;
    }
}
