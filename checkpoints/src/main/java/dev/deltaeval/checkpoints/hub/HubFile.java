package dev.deltaeval.checkpoints.hub;

/**
 * One file of a repository at a commit, as the Hub's tree API lists it.
 *
 * @param sha256  the LFS object's SHA-256 (large files), or null
 * @param gitOid  the git blob id (SHA-1 of "blob SIZE\0" + content) for files kept in git, or null
 */
public record HubFile(String path, long size, String sha256, String gitOid) {
    /** The name of the file's blob in the cache, as huggingface_hub names it (the ETag: sha256 or git oid). */
    public String blobName() {
        return sha256 != null ? sha256 : gitOid;
    }
}
