package dev.deltaeval.jobs;

import dev.deltaeval.text.source.TextSource;

/**
 * Which documents an analysis reads and how they become sequences (extrapolate, rank): the data file or folder, the
 * JSONL field, template or preset, the seed of the shuffle and the documents concatenated per cut.
 */
public record DataSettings(String data, String field, String template, String preset, Long seed, Integer mapBatch) {
    public static final String DEFAULT_DATA = "data/extrapolation-sample/python-stdlib-docs.jsonl";

    public DataSettings {
        data = data == null ? DEFAULT_DATA : data;
        mapBatch = mapBatch == null ? 1000 : mapBatch;
    }

    /** The documents; a JSONL file without field, template or preset reads its "text" field. */
    public TextSource source() {
        String f = field == null && template == null && preset == null && data.endsWith(".jsonl") ? "text" : field;
        return TextSource.of(java.nio.file.Path.of(data), f, template, preset);
    }

    /** For result keys: the data settings with the number of sequences taken from them. */
    public String settings(int numSequences) {
        return "data=" + data + ",field=" + field + ",template=" + template + ",preset=" + preset + ",n="
                + numSequences + ",seed=" + seed + ",map_batch=" + mapBatch;
    }
}
