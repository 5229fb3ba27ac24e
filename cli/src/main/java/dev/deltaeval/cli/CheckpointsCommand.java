package dev.deltaeval.cli;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.SafetensorsFile;
import dev.deltaeval.deltanet.config.ModelConfig;
import dev.deltaeval.deltanet.config.NamedConfigs;
import dev.deltaeval.deltanet.config.ReleasedCheckpoints;
import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.ModelFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "checkpoints", mixinStandardHelpOptions = true,
        description = "Find, explain and verify checkpoints.",
        subcommands = {CheckpointsCommand.ListCmd.class, CheckpointsCommand.Show.class, CheckpointsCommand.Verify.class})
final class CheckpointsCommand extends GroupCommand {

    static String facts(ModelConfig c) {
        return String.format(Locale.ROOT, "%s n_h=%d eig=%s max_pos=%d %dx%d heads=%d", c.family().modelType(), c.numHouseholder(),
                c.allowNegEigval() ? "[-1,1]" : "[0,1]", c.maxPositionEmbeddings(), c.numLayers(), c.hiddenSize(),
                c.numHeads());
    }

    /** The short facts of an opened checkpoint: DeltaNet's as above, another family's summary line. */
    static String facts(ModelCheckpoint c) {
        return c instanceof DeltaNetCheckpoint d ? facts(d.config()) : c.info().summary();
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Checkpoints under a folder (plain Hugging Face folders and the DeltaProduct release's "
                    + "runs/NAME/checkpoint-STEP layout): model type, parameters, n_h, eigenvalue range, training "
                    + "context. Without a folder: the release's catalogue."})
    static final class ListCmd implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws IOException {
            if (dir == null) {
                for (ReleasedCheckpoints.Entry e : ReleasedCheckpoints.all()) {
                    System.out.printf(Locale.ROOT, "%-18s step %6d  n_h=%d  %-9s  %s%n", e.name(), e.step(),
                            e.householder(), e.params(), e.config() == null ? "(config not published)" : e.config());
                }
                return 0;
            }
            if (!Files.isDirectory(dir)) {
                throw new CheckpointException(dir + ": no such folder");
            }
            List<Path> found = new ArrayList<>();
            try (Stream<Path> s = Files.walk(dir, 4)) {
                s.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().forEach(found::add);
            }
            if (found.isEmpty()) {
                System.err.println("no checkpoints (folders with config.json) under " + dir);
            }
            for (Path p : found) {
                String name = dir.relativize(p).toString();
                try {
                    ModelCheckpoint c = ModelFamilies.open(p);
                    ModelCheckpoint.TrainingContext trained = c.trainingContext();
                    System.out.printf(Locale.ROOT, "%-40s %8.1fM  %s trained_ctx=%d%n", name.isEmpty() ? "." : name,
                            c.parameterCount() / 1e6, facts(c), trained.tokens());
                } catch (CheckpointException e) {
                    System.out.printf("%-40s invalid: %s%n", name, e.getMessage());
                }
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"What a released checkpoint name (e.g. DP3_-1_1_4k) or a bundled config name (e.g.",
                "delta_product_340m_0_1_3_decay) means: its configuration, and what DeltaEval makes of it."})
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            if (ReleasedCheckpoints.find(name).isEmpty() && NamedConfigs.names().contains(name.replace(".json", ""))) {
                return showConfig();
            }
            ReleasedCheckpoints.Entry e = ReleasedCheckpoints.find(name).orElseThrow(() -> new CheckpointException(
                    "unknown checkpoint name " + name + " (known: " + String.join(", ", ReleasedCheckpoints.all()
                            .stream().map(ReleasedCheckpoints.Entry::name).toList()) + "; or a bundled config name, "
                            + "see init --config)"));
            System.out.printf("%s: %s%s with n_h = %d Householder step%s per token, eigenvalues in %s, trained on "
                            + "%d-token sequences, released at step %d, about %s parameters.%n", e.name(),
                    e.gated() ? "Gated " : "", e.householder() == 1 ? "DeltaNet" : "DeltaProduct", e.householder(),
                    e.householder() == 1 ? "" : "s", e.eigenvalueRange(), e.trainingContext(), e.step(), e.params());
            if (e.config() != null) {
                ModelConfig c = dev.deltaeval.deltanet.config.ConfigParser.parse(NamedConfigs.json(e.config()), e.config(),
                        dev.deltaeval.deltanet.config.CheckpointLayout.FLA_0_2_2_PER_STEP, new ArrayList<>());
                System.out.println("likely config " + e.config() + ": " + facts(c));
            }
            if (e.note() != null) {
                System.out.println("note: " + e.note());
            }
            return 0;
        }

        private int showConfig() throws IOException {
            List<String> warnings = new ArrayList<>();
            ModelConfig c = dev.deltaeval.deltanet.config.ConfigParser.parse(NamedConfigs.json(name), name,
                    dev.deltaeval.deltanet.config.CheckpointLayout.FLA_0_2_2_PER_STEP, warnings);
            System.out.println("bundled config " + name.replace(".json", "") + ": " + facts(c)
                    + (c.useForgetGate() ? ", forget gate" : ""));
            for (String w : warnings) {
                System.out.println("note: " + w);
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks a checkpoint folder: config, every safetensors header and size, the shard index "
                    + "against the shards, every tensor the model needs; in a Hugging Face cache snapshot also each "
                    + "file's SHA-256 against its blob name."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws IOException {
            ModelCheckpoint c = ModelFamilies.open(dir); // header, sizes, index and tensor shapes
            int files = 0;
            int hashed = 0;
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    if (p.toString().endsWith(".safetensors")) {
                        SafetensorsFile.open(p);
                        files++;
                    }
                    if (Files.isSymbolicLink(p)) {
                        Path blob = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
                        String want = blob.getFileName().toString();
                        if (want.length() == 64) {
                            String got = dev.deltaeval.common.FileHashes.sha256(List.of(p));
                            if (!got.equals(want)) {
                                throw new CheckpointException(p + ": sha256 " + got + " does not match its blob " + want);
                            }
                            hashed++;
                        }
                    }
                }
            }
            System.out.printf("%s: OK (%s, %d safetensors files, %d tensors checked, %d files hash-verified)%n", dir,
                    facts(c), files, c.storedDtypes().values().stream().mapToInt(Integer::intValue).sum(), hashed);
            return 0;
        }
    }
}
