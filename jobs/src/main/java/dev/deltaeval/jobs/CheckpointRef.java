package dev.deltaeval.jobs;

import dev.deltaeval.checkpoints.hub.HubCache;
import dev.deltaeval.checkpoints.hub.HubClient;
import dev.deltaeval.checkpoints.hub.HubDownloader;
import dev.deltaeval.checkpoints.hub.HubRepo;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.ModelFamilies;
import dev.deltaeval.runtime.ModelException;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.nio.file.Path;

/**
 * What a CHECKPOINT argument may be: a directory, {@code hf:ORG/NAME[@REV]} (fetched into the Hugging Face cache
 * first, or taken from it with HF_HUB_OFFLINE=1), or nothing for the bundled default.
 */
public final class CheckpointRef {
    public static final String DEFAULT = "checkpoints/demo-dp2-6m";

    private CheckpointRef() {
    }

    public static Path resolve(Path given) {
        if (given == null) {
            return Path.of(DEFAULT);
        }
        String s = given.toString();
        if (HubRepo.isHubRef(s)) {
            HubRepo repo = HubRepo.parse(s);
            ProgressBytes progress = new ProgressBytes(repo.toString());
            return new HubDownloader(HubClient.fromEnvironment(), HubCache.fromEnvironment())
                    .fetch(repo, HubDownloader.MODEL_FILES, offline(), progress).snapshot();
        }
        return given;
    }

    /** lm-eval's model_name: the path as given (the default when none), or ORG/NAME for a Hub checkpoint. */
    public static String modelName(Path given) {
        if (given == null) {
            return DEFAULT;
        }
        String s = given.toString();
        return HubRepo.isHubRef(s) ? HubRepo.parse(s).id() : s;
    }

    /** The Hub revision asked for ("main" by default and for local folders, as lm-eval's HFLM records it). */
    public static String revision(Path given) {
        return given != null && HubRepo.isHubRef(given.toString()) ? HubRepo.parse(given.toString()).revision()
                : "main";
    }

    /**
     * The commit a Hub checkpoint resolved to (its snapshot folder's name in the Hugging Face cache), "" for a local
     * folder: lm-eval's model_sha.
     */
    public static String hubCommit(ModelCheckpoint ckpt) {
        Path dir = ckpt.dir().toAbsolutePath().normalize();
        return isHubSnapshot(dir) ? dir.getFileName().toString() : "";
    }

    public static ModelCheckpoint open(Path given) {
        return ModelFamilies.open(resolve(given));
    }

    /** HF_HUB_OFFLINE=1 (huggingface_hub's switch) uses only the cache. */
    public static boolean offline() {
        String v = EnvSetting.get("HF_HUB_OFFLINE");
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    /**
     * A checkpoint's display name: its directory's name, or for a Hub snapshot the repository's name (the snapshot
     * directory itself is named by a commit hash).
     */
    public static String label(ModelCheckpoint ckpt) {
        Path dir = ckpt.dir().toAbsolutePath().normalize();
        if (isHubSnapshot(dir)) {
            String repo = dir.getParent().getParent().getFileName().toString();
            int cut = repo.lastIndexOf("--");
            if (repo.startsWith("models--") && cut > 0) {
                return repo.substring(cut + 2);
            }
        }
        return dir.getFileName().toString();
    }

    /** A folder of the Hugging Face cache's {@code REPO/snapshots/COMMIT} layout. */
    private static boolean isHubSnapshot(Path dir) {
        Path parent = dir.getParent();
        return parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("snapshots")
                && parent.getParent() != null;
    }

    /** The checkpoint's tokenizer, or one clear line saying which command needs it. */
    public static TextTokenizer tokenizer(ModelCheckpoint ckpt, String command) {
        Path file = ckpt.tokenizerFile().orElseThrow(() -> new ModelException(ckpt.dir().resolve("tokenizer.json")
                + ": tokenizer file not found (" + command + " needs the checkpoint's tokenizer.json)"));
        return TextTokenizer.load(file);
    }
}
