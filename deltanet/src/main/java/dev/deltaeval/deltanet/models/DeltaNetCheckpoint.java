package dev.deltaeval.deltanet.models;

import dev.deltaeval.checkpoints.CheckpointException;
import dev.deltaeval.checkpoints.CheckpointFolder;
import dev.deltaeval.checkpoints.DType;
import dev.deltaeval.checkpoints.HostTensor;
import dev.deltaeval.checkpoints.TensorInfo;
import dev.deltaeval.checkpoints.TensorStore;
import dev.deltaeval.common.FileHashes;
import dev.deltaeval.deltanet.config.CheckpointLayout;
import dev.deltaeval.deltanet.config.ConfigParser;
import dev.deltaeval.deltanet.config.ModelConfig;
import dev.deltaeval.deltanet.config.WeightSchema;
import dev.deltaeval.deltanet.models.DeltaNetFamily;
import dev.deltaeval.deltanet.models.DeltaNetModel;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.ModelInfo;
import dev.deltaeval.runtime.ComputeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A checkpoint directory in Hugging Face layout, opened and validated: config with fla's defaults, the detected
 * layout, every expected tensor present with the expected shape. Weights are served under canonical names, so the
 * forward pass never sees layouts. Opening reads only headers; tensor bytes are memory-mapped when asked for.
 */
public final class DeltaNetCheckpoint implements ModelCheckpoint {
    public static final String CONFIG_FILE = "config.json";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private final Path dir;
    private final ModelConfig config;
    private final CheckpointLayout layout;
    private final TensorStore store;
    private final Map<String, WeightSchema.Spec> specs;
    private final List<String> warnings;
    private volatile String contentHash;

    private DeltaNetCheckpoint(Path dir, ModelConfig config, CheckpointLayout layout, TensorStore store,
                       Map<String, WeightSchema.Spec> specs, List<String> warnings) {
        this.dir = dir;
        this.config = config;
        this.layout = layout;
        this.store = store;
        this.specs = specs;
        this.warnings = List.copyOf(warnings);
    }

    public static DeltaNetCheckpoint open(Path dir) {
        return open(dir, CheckpointFolder.readConfig(dir));
    }

    /** Opens {@code dir} whose config.json has been read already ({@code json}). */
    public static DeltaNetCheckpoint open(Path dir, com.fasterxml.jackson.databind.JsonNode json) {
        Path configFile = dir.resolve(CONFIG_FILE);
        TensorStore store = TensorStore.open(dir);
        CheckpointLayout layout = CheckpointLayout.detect(store.names());
        List<String> warnings = new ArrayList<>();
        ModelConfig config = ConfigParser.parse(json, configFile.toString(), layout, warnings);
        checkLayerCount(configFile, config, store); // before sizes from the config allocate anything
        Map<String, WeightSchema.Spec> specs = new java.util.LinkedHashMap<>(); // model order, for errors
        for (WeightSchema.Spec s : WeightSchema.of(config, layout)) {
            specs.put(s.canonical(), s);
        }
        validate(dir, config, layout, store, specs.values(), warnings,
                ConfigParser.defaultedShapeFields(json, layout));
        return new DeltaNetCheckpoint(dir, config, layout, store, specs, warnings);
    }

    /**
     * The config's num_hidden_layers against the layers the weights hold: more in the config would fail (or, with an
     * absurd count, exhaust memory) only later, fewer would silently drop trained layers.
     */
    private static void checkLayerCount(Path configFile, ModelConfig config, TensorStore store) {
        java.util.regex.Pattern layer = java.util.regex.Pattern.compile("^model\\.layers\\.(\\d+)\\.");
        int stored = 0;
        for (String name : store.names()) {
            java.util.regex.Matcher m = layer.matcher(name);
            if (m.find()) {
                stored = Math.max(stored, Integer.parseInt(m.group(1)) + 1);
            }
        }
        if (stored != config.numLayers()) {
            throw new CheckpointException(configFile + ": num_hidden_layers is " + config.numLayers() + ", but the "
                    + "weights hold " + stored + " layer" + (stored == 1 ? "" : "s") + " (model.layers.0 to "
                    + (stored - 1) + ")");
        }
    }

    /**
     * For a shape error: the absent config fields whose defaults gave one of the expected sizes, so that "expected
     * ... from config.json" does not blame a file that never named them.
     */
    private static String defaultsBehind(long[] expected, List<String> defaulted) {
        List<String> behind = new ArrayList<>();
        for (String d : defaulted) {
            String value = d.substring(d.indexOf(' ') + 1);
            if (Arrays.stream(expected).anyMatch(x -> Long.toString(x).equals(value))) {
                behind.add(d);
            }
        }
        return behind.isEmpty() ? "" : " (config.json lacks " + String.join(", ", behind.stream()
                .map(d -> d.substring(0, d.indexOf(' '))).toList()) + "; fla's defaults were used: "
                + String.join(", ", behind) + ")";
    }

    private static void validate(Path dir, ModelConfig config, CheckpointLayout layout, TensorStore store,
                                 Iterable<WeightSchema.Spec> specs, List<String> warnings, List<String> defaulted) {
        Set<String> used = new HashSet<>();
        for (WeightSchema.Spec spec : specs) {
            for (WeightSchema.Part part : spec.parts()) {
                if (!store.contains(part.name())) {
                    throw new CheckpointException(dir + ": tensor " + part.name() + " is missing (expected "
                            + Arrays.toString(part.shape()) + " for " + config.family().modelType() + " in layout "
                            + layout.label() + ")");
                }
                TensorInfo info = store.info(part.name());
                if (!Arrays.equals(info.shape(), part.shape())) {
                    String defaults = defaultsBehind(part.shape(), defaulted);
                    throw new CheckpointException(info.file() + ": tensor " + part.name() + " has shape "
                            + info.shapeString() + ", expected " + Arrays.toString(part.shape()) + " from config.json"
                            + defaults);
                }
                if (!info.dtype().isFloating()) {
                    throw new CheckpointException(info.file() + ": tensor " + part.name() + " has dtype "
                            + info.dtype() + " (expected F32, F16 or BF16)");
                }
                used.add(part.name());
            }
        }
        Set<String> tolerated = new HashSet<>(WeightSchema.tolerated(config, layout));
        List<String> unused = new ArrayList<>();
        for (String name : store.names()) {
            if (!used.contains(name) && !tolerated.contains(name)) {
                unused.add(name);
            }
        }
        if (!config.useForgetGate()) {
            for (String name : unused) {
                if (name.endsWith(".A_log") || name.endsWith(".dt_bias") || name.endsWith(".a_proj.weight")) {
                    throw new CheckpointException(dir + ": tensor " + name + " is a forget-gate weight, but config.json "
                            + "has no forget gate (use_forget_gate false or absent; the older use_decay_gate is not read)"
                            + ": set use_forget_gate to true if the model was trained with one");
                }
            }
        }
        if (!config.useShortConv()) {
            for (String name : unused) {
                if (name.contains("conv1d")) {
                    throw new CheckpointException(dir + ": tensor " + name + " is a short-convolution weight, but "
                            + "config.json has use_short_conv false: set it to true if the model was trained with one");
                }
            }
        }
        if (!unused.isEmpty()) {
            warnings.add(unused.size() + " tensor(s) in the checkpoint are not used by the model, e.g. " + unused.get(0));
        }
    }

    @Override
    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public CheckpointLayout layout() {
        return layout;
    }

    @Override
    public List<Path> weightFiles() {
        return store.files();
    }

    @Override
    public Map<String, Object> architectureFacts() {
        Map<String, Object> facts = new java.util.LinkedHashMap<>();
        facts.put("num_householder", config.numHouseholder());
        facts.put("eigenvalue_range", config.allowNegEigval() ? "[-1, 1]" : "[0, 1]");
        return facts;
    }

    @Override
    public String layoutLabel() {
        return layout.label();
    }

    @Override
    public String facts() {
        return config.facts();
    }

    @Override
    public ModelInfo info() {
        return DeltaNetFamily.info(config);
    }

    @Override
    public LanguageModel load(ComputeOptions options) {
        return DeltaNetModel.load(this, options);
    }

    @Override
    public List<String> warnings() {
        return warnings;
    }

    public TensorStore store() {
        return store;
    }

    /** A weight by canonical name ({@link WeightSchema}), widened to fp32; per-step parts are concatenated. */
    public HostTensor weight(String canonical) {
        WeightSchema.Spec spec = specs.get(canonical);
        if (spec == null) {
            throw new CheckpointException("no weight " + canonical + " in a " + config.family().modelType() + " model");
        }
        if (spec.parts().size() == 1) {
            HostTensor t = store.readFloat(spec.parts().get(0).name());
            return t.name().equals(canonical) ? t : new HostTensor(canonical, t.shape(), t.data());
        }
        List<HostTensor> parts = new ArrayList<>();
        for (WeightSchema.Part p : spec.parts()) {
            parts.add(store.readFloat(p.name()));
        }
        return HostTensor.concatRows(canonical, parts);
    }

    /** The weight used for the output projection: {@code lm_head.weight}, or the embeddings when tied. */
    public HostTensor outputProjection() {
        return config.tieWordEmbeddings() ? weight(WeightSchema.EMBEDDINGS) : weight(WeightSchema.LM_HEAD);
    }

    /**
     * The training context: {@code seq_len} of the checkpoint's {@code training_meta.json} where the trainer wrote
     * one (config.json's {@code max_position_embeddings} is only the positional limit fla was configured with, 2048
     * for the demo, which was trained at 512), else {@code max_position_embeddings}.
     */
    @Override
    public TrainingContext trainingContext() {
        Path meta = dir.resolve("training_meta.json");
        if (Files.isRegularFile(meta)) {
            com.fasterxml.jackson.databind.JsonNode n = dev.deltaeval.checkpoints.JsonFiles.readObject(meta);
            for (String field : new String[] {"seq_len", "train_context", "context_length"}) {
                if (n.path(field).canConvertToInt() && n.path(field).asInt() > 0) {
                    return new TrainingContext(n.path(field).asInt(), "training_meta.json " + field);
                }
            }
        }
        // a word-problem checkpoint: k_train group elements after [BOS] (state-tracking's sidecar)
        Path wordProblems = dir.resolve("state_tracking.json");
        if (Files.isRegularFile(wordProblems)) {
            com.fasterxml.jackson.databind.JsonNode k = dev.deltaeval.checkpoints.JsonFiles.readObject(wordProblems)
                    .path("k_train");
            if (k.canConvertToInt() && k.asInt() > 0) {
                return new TrainingContext(k.asInt() + 1, "state_tracking.json k_train " + k.asInt() + " + [BOS]");
            }
        }
        return new TrainingContext(config.maxPositionEmbeddings(), "config.json max_position_embeddings");
    }

    @Override
    public Optional<Path> tokenizerFile() {
        Path p = dir.resolve(TOKENIZER_FILE);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Parameters the model uses (tied embeddings counted once, dead 0.2.2 query convolutions not counted). */
    @Override
    public long parameterCount() {
        long n = 0;
        for (WeightSchema.Spec s : specs.values()) {
            long k = 1;
            for (long d : s.shape()) {
                k *= d;
            }
            n += k;
        }
        return n;
    }

    /** Stored dtypes and how many tensors have each, e.g. {BF16=92}. */
    @Override
    public Map<DType, Integer> storedDtypes() {
        Map<DType, Integer> m = new TreeMap<>();
        for (String name : store.names()) {
            m.merge(store.info(name).dtype(), 1, Integer::sum);
        }
        return m;
    }

    /** SHA-256 over config.json and the weight files (in name order): the checkpoint's identity in reports. */
    @Override
    public String contentHash() {
        String h = contentHash;
        if (h == null) {
            List<Path> files = new ArrayList<>();
            files.add(dir.resolve(CONFIG_FILE));
            files.addAll(store.files());
            h = FileHashes.sha256(files);
            contentHash = h;
        }
        return h;
    }
}
