package dev.deltaeval.statetracking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The identity of a test set for provenance and for {@code compare}: SHA-256 over the group's name and the sorted
 * input sequences (targets follow from them). The order of the sequences does not count, so the repository's CSV
 * (CPython's set order) and the same seed generated here (draw order) hash alike.
 */
public final class SequenceSetHash {
    private SequenceSetHash() {
    }

    public static String sha256(String group, List<WordProblem> problems) {
        List<String> lines = new ArrayList<>(problems.size());
        for (WordProblem w : problems) {
            StringBuilder sb = new StringBuilder();
            for (int x : w.input()) {
                sb.append(x).append(' ');
            }
            lines.add(sb.toString());
        }
        lines.sort(null);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((group + "\n").getBytes(StandardCharsets.UTF_8));
            for (String l : lines) {
                md.update(l.getBytes(StandardCharsets.US_ASCII));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
