package dev.deltaeval.cli;

import dev.deltaeval.deltanet.config.ReleasedCheckpoints;
import dev.deltaeval.jobs.CheckpointFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "checkpoints", mixinStandardHelpOptions = true,
        description = "Find, explain and verify checkpoints.",
        subcommands = {CheckpointsCommand.ListCmd.class, CheckpointsCommand.Show.class, CheckpointsCommand.Verify.class,
            CheckpointsCommand.ImportTorch.class})
final class CheckpointsCommand extends GroupCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Checkpoints under a folder (plain Hugging Face folders and the DeltaProduct release's "
                    + "runs/NAME/checkpoint-STEP layout): model type, parameters, n_h, eigenvalue range, training "
                    + "context. Without a folder: the release's catalogue."})
    static final class ListCmd implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "DIR", description = "Folder to search (default: list the release's catalogue).")
        Path dir;

        @Override
        public Integer call() throws IOException {
            List<String> lines = dir == null ? ReleasedCheckpoints.catalogue() : CheckpointFolders.list(dir);
            if (lines.isEmpty()) {
                System.err.println("no checkpoints (folders with config.json) under " + dir);
            }
            lines.forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"What a released checkpoint name (e.g. DP3_-1_1_4k) or a bundled config name (e.g. "
                + "delta_product_340m_0_1_3_decay) means: its configuration, and what DeltaEval makes of it."})
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "A released checkpoint name or a bundled config name.")
        String name;

        @Override
        public Integer call() throws IOException {
            ReleasedCheckpoints.describe(name).forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks a checkpoint folder: config, every safetensors header and size, the shard index "
                    + "against the shards, every tensor the model needs; in a Hugging Face cache snapshot also each "
                    + "file's SHA-256 against its blob name."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The checkpoint folder.")
        Path dir;

        @Override
        public Integer call() throws IOException {
            System.out.println(CheckpointFolders.verify(dir));
            return 0;
        }
    }

    @Command(name = "import-torch", mixinStandardHelpOptions = true,
            description = {"Writes model.safetensors from a folder's pytorch_model.bin (torch.save's zip format, as the "
                    + "DeltaProduct repository's main.py saves), so that every command reads it. The pickle inside is "
                    + "read by a restricted reader that knows only what a state dict of tensors needs: any other "
                    + "content is refused and nothing in the file is run. Names lose torch.compile's _orig_mod. and "
                    + "DDP's module. prefixes; types and values are kept."})
    static final class ImportTorch implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The folder with pytorch_model.bin (and config.json).")
        Path dir;

        @picocli.CommandLine.Option(names = {"--out", "--output"}, paramLabel = "DIR",
                description = "Where to write model.safetensors, with config.json and the other side files copied "
                        + "(default: DIR itself).")
        Path out;

        @Override
        public Integer call() throws IOException {
            Path written = dev.deltaeval.checkpoints.torch.TorchImport.run(dir, out != null ? out : dir);
            System.out.println("wrote " + written);
            return 0;
        }
    }
}
