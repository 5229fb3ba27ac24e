package dev.deltaeval.text.source;

import dev.deltaeval.text.DataException;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Documents to equal-length token sequences as the DeltaProduct repository's text_datamodule.py builds them:
 * each document tokenized with the tokenizer's special tokens (BOS for Mistral, no EOS), the documents of each
 * map batch concatenated and cut into chunks of exactly {@code maxLen} tokens, the leftover of every batch dropped.
 *
 * @param mapBatch documents per concatenation batch (datasets.map's default 1000)
 * @param seed     null: the first sequences in order (the script's validation loader); otherwise a seeded shuffle
 *                 of all sequences before taking the first N
 */
public record SequenceChunker(int maxLen, int mapBatch, Long seed) {
    public SequenceChunker {
        if (maxLen < 2) {
            throw new DataException("max_len must be at least 2, got " + maxLen);
        }
        if (mapBatch < 1) {
            throw new DataException("map batch must be positive, got " + mapBatch);
        }
    }

    public List<long[]> chunks(List<String> docs, TextTokenizer tokenizer, int numSequences) {
        List<long[]> out = new ArrayList<>();
        for (int from = 0; from < docs.size(); from += mapBatch) {
            List<long[]> encoded = new ArrayList<>();
            int total = 0;
            for (String doc : docs.subList(from, Math.min(docs.size(), from + mapBatch))) {
                long[] ids = tokenizer.encode(doc, true);
                encoded.add(ids);
                total += ids.length;
            }
            cut(encoded, total, out);
            if (seed == null && numSequences > 0 && out.size() >= numSequences) {
                break; // later batches cannot change the first N sequences
            }
        }
        if (out.isEmpty()) {
            throw new DataException("the documents hold fewer than max_len = " + maxLen
                    + " tokens per map batch of " + mapBatch + " documents: no sequence can be formed");
        }
        if (seed != null) {
            Collections.shuffle(out, new Random(seed));
        }
        return numSequences > 0 && numSequences < out.size() ? List.copyOf(out.subList(0, numSequences)) : out;
    }

    private void cut(List<long[]> encoded, int total, List<long[]> out) {
        long[] flat = new long[total];
        int at = 0;
        for (long[] ids : encoded) {
            System.arraycopy(ids, 0, flat, at, ids.length);
            at += ids.length;
        }
        for (int start = 0; start + maxLen <= total; start += maxLen) {
            long[] chunk = new long[maxLen];
            System.arraycopy(flat, start, chunk, 0, maxLen);
            out.add(chunk);
        }
    }
}
