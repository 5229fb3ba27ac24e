package dev.deltaeval.statetracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A test set's hash names its sequences, not their order: the Python CSV and the same seed generated here agree. */
class SequenceSetHashTest {
    @Test
    void theRepositorysCsvAndTheSameSeedGeneratedHereHashAlike() throws IOException {
        List<WordProblem> csv = new ArrayList<>();
        // written by generate_data.py (--group=S3 --k=512 --samples=1000 --seed=2) on the GPU host, CPython set order
        WordProblemCsv.read(Path.of("../checkpoints/word-problems/S3=512.csv.gz"), 6).forEach(r -> csv.add(r.problem()));
        List<WordProblem> generated = WordProblemSampler.sample(Groups.parse("S3"), 512, 1000, 2);
        assertNotEquals(java.util.Arrays.toString(csv.get(0).input()), java.util.Arrays.toString(generated.get(0)
                .input()), "the two lists come in different orders");
        String h = SequenceSetHash.sha256("S3", csv);
        assertEquals(h, SequenceSetHash.sha256("S3", generated));
        List<WordProblem> shuffled = new ArrayList<>(generated);
        Collections.reverse(shuffled);
        assertEquals(h, SequenceSetHash.sha256("S3", shuffled));

        List<WordProblem> changed = new ArrayList<>(generated);
        int[] in = changed.get(7).input().clone();
        in[300] = (in[300] + 1) % 6;
        changed.set(7, new WordProblem(in, changed.get(7).target()));
        assertNotEquals(h, SequenceSetHash.sha256("S3", changed));
        assertNotEquals(h, SequenceSetHash.sha256("Z6", generated), "the group is part of the identity");
    }

    /** A gzip cut off in transfer names its file (it said "Unexpected end of ZLIB input stream"). */
    @Test
    void aCutOffGzipNamesItsFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        byte[] whole = java.nio.file.Files.readAllBytes(Path.of("../checkpoints/word-problems/S3=512.csv.gz"));
        Path cut = java.nio.file.Files.write(tmp.resolve("S3=512.csv.gz"), java.util.Arrays.copyOf(whole, 50_000));
        dev.deltaeval.common.DeltaEvalException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.deltaeval.common.DeltaEvalException.class, () -> WordProblemCsv.read(cut, 6));
        assertEquals(cut + ": the gzip data is cut off or corrupt (Unexpected end of ZLIB input stream)",
                e.getMessage());
    }
}
