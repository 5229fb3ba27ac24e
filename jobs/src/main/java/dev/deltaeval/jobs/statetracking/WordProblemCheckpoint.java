package dev.deltaeval.jobs.statetracking;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltaeval.checkpoints.JsonFiles;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.model.ModelCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which group a word-problem checkpoint was trained on, and at what length: the command's setting, else the
 * recipe's {@code state_tracking.json} beside the checkpoint, else the DeltaProduct repository's folder name
 * ({@code S3_GatedDeltaProduct_k128_householders2_2025-06-06_666}); and the paper's name for its configuration
 * ({@code DeltaProduct_2[-1,1], 1 layer}), for charts and tables.
 */
record WordProblemCheckpoint(String group, int kTrain, String source, String label) {
    static final int DEFAULT_K_TRAIN = 128;
    private static final Pattern FOLDER = Pattern.compile(
            "^(?<group>.+)_(?<cls>[A-Za-z]+)_k(?<k>\\d+)_householders(?<nh>\\d+)_(?<date>\\d{4}-\\d{2}-\\d{2})_(?<seed>\\d+)$");

    static WordProblemCheckpoint of(ModelCheckpoint ckpt, String group, Integer kTrain) {
        Found f = find(ckpt, group, kTrain);
        return new WordProblemCheckpoint(f.group, f.kTrain, f.source, paperLabel(ckpt.dir()));
    }

    private record Found(String group, int kTrain, String source) {
    }

    /**
     * As the paper labels a configuration: {@code DeltaProduct_n[-1,1]} (n Householder steps per token; [-1,1] when
     * negative eigenvalues are allowed, else [0,1]), {@code Gated} before it when the layer has a forget gate, then
     * the number of layers. From config.json; the folder name when a field is missing.
     */
    static String paperLabel(Path dir) {
        Path config = dir.resolve("config.json");
        JsonNode c = Files.isRegularFile(config) ? JsonFiles.readObject(config) : null;
        if (c == null || !c.has("num_hidden_layers")) {
            Path name = dir.toAbsolutePath().normalize().getFileName();
            return name == null ? dir.toString() : name.toString();
        }
        boolean gated = c.path("use_forget_gate").asBoolean(false) || c.path("model_type").asText().equals("gated_deltanet");
        int layers = c.get("num_hidden_layers").asInt();
        return (gated ? "Gated " : "") + "DeltaProduct_" + c.path("num_householder").asInt(1)
                + (c.path("allow_neg_eigval").asBoolean(false) ? "[-1,1]" : "[0,1]") + ", " + layers
                + (layers == 1 ? " layer" : " layers");
    }

    private static Found find(ModelCheckpoint ckpt, String group, Integer kTrain) {
        Path dir = ckpt.dir();
        Path sidecar = dir.resolve("state_tracking.json");
        if (Files.isRegularFile(sidecar)) {
            JsonNode n = JsonFiles.readObject(sidecar);
            String g = group != null ? group : n.path("group").asText(null);
            int k = kTrain != null ? kTrain : n.path("k_train").asInt(DEFAULT_K_TRAIN);
            if (g != null) {
                return new Found(g, k, group != null ? "the setting" : sidecar.toString());
            }
        }
        Path name = dir.toAbsolutePath().normalize().getFileName();
        Matcher m = FOLDER.matcher(name == null ? "" : name.toString());
        if (group != null) {
            return new Found(group, kTrain != null ? kTrain
                    : m.matches() ? Integer.parseInt(m.group("k")) : DEFAULT_K_TRAIN, "the setting");
        }
        if (m.matches()) {
            return new Found(m.group("group"), kTrain != null ? kTrain : Integer.parseInt(m.group("k")),
                    "the folder name " + name);
        }
        throw new DeltaEvalException(dir + ": which group was it trained on? give " + DeltaEvalException
                .setting("group") + ", a state_tracking.json beside the checkpoint, or the DeltaProduct repository's "
                + "folder name (GROUP_MODEL_kK_householdersN_DATE_SEED)");
    }
}
