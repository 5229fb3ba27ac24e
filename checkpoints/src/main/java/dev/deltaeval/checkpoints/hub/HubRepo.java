package dev.deltaeval.checkpoints.hub;

/**
 * A Hugging Face Hub repository at a revision: {@code hf:org/name[@revision]} for models,
 * {@code hf:datasets/org/name[@revision]} for datasets.
 */
public record HubRepo(Kind kind, String id, String revision) {
    public enum Kind {
        MODEL("models", ""), DATASET("datasets", "datasets/");

        /** Path segment of the API ({@code /api/models/...}) and prefix of file URLs ({@code /datasets/...}). */
        final String api;
        final String urlPrefix;

        Kind(String api, String urlPrefix) {
            this.api = api;
            this.urlPrefix = urlPrefix;
        }
    }

    public static final String PREFIX = "hf:";

    /**
     * A revision names a folder under the cache's refs/ (branches may hold slashes, as refs/pr/1): segments of
     * letters, digits, '.', '_' and '-', never "." or "..", so no revision reaches outside its repository's folder.
     */
    private static final java.util.regex.Pattern REVISION = java.util.regex.Pattern.compile(
            "[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    public HubRepo {
        if (revision == null || !REVISION.matcher(revision).matches()
                || java.util.Arrays.stream(revision.split("/")).anyMatch(seg -> seg.equals(".") || seg.equals(".."))) {
            throw new HubException("revision \"" + revision + "\" of " + id + " is not a branch, tag or commit name "
                    + "(letters, digits, '.', '_', '-' and '/' between them; no '..')");
        }
    }

    public static boolean isHubRef(String s) {
        return s != null && s.startsWith(PREFIX);
    }

    public static HubRepo parse(String ref) {
        if (!isHubRef(ref)) {
            throw new HubException("'" + ref + "' is not a Hub reference (expected hf:ORG/NAME[@REVISION])");
        }
        String rest = ref.substring(PREFIX.length());
        Kind kind = Kind.MODEL;
        if (rest.startsWith("datasets/")) {
            kind = Kind.DATASET;
            rest = rest.substring("datasets/".length());
        }
        String revision = "main";
        int at = rest.indexOf('@');
        if (at >= 0) {
            revision = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        if (!rest.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*") || revision.isEmpty()) {
            throw new HubException("'" + ref + "' is not a Hub reference (expected hf:ORG/NAME[@REVISION])");
        }
        return new HubRepo(kind, rest, revision);
    }

    public HubRepo at(String otherRevision) {
        return new HubRepo(kind, id, otherRevision);
    }

    /** The Hugging Face cache's folder name: models--org--name or datasets--org--name. */
    public String cacheFolder() {
        return kind.api + "--" + id.replace("/", "--");
    }

    @Override
    public String toString() {
        return PREFIX + kind.urlPrefix + id + (revision.equals("main") ? "" : "@" + revision);
    }
}
