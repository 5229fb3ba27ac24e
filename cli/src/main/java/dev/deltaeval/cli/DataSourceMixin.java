package dev.deltaeval.cli;

import dev.deltaeval.core.data.TextSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which documents to read and how to turn them into sequences: shared by extrapolate and rank. */
public final class DataSourceMixin {
    static final String DEFAULT_DATA = "data/extrapolation-sample/python-stdlib-docs.jsonl";

    @Option(names = {"--data", "--data-dir"}, defaultValue = DEFAULT_DATA, paramLabel = "FILE|DIR",
            description = "Documents: a text file (one document), a folder of text files (*.txt), or a JSONL file "
                + "(default: the bundled sample of Python's library documentation in data/extrapolation-sample, field "
                + "text).")
    Path data;

    @Option(names = "--field", paramLabel = "NAME", description = "JSONL field holding the text (default for the "
            + "bundled sample: text).")
    String field;

    @Option(names = "--template", paramLabel = "TEXT",
            description = "JSONL template, e.g. \"Question: {query}, Answer: {answer}\".")
    String template;

    @Option(names = "--preset", paramLabel = "NAME", description = {"A paper dataset's mapping: trivia_qa,",
        "openthoughts-114k-math, codeparrot, slimpajama_6b."})
    String preset;

    @Option(names = "--seed", paramLabel = "N", description = "Pick sequences by a seeded shuffle instead of the first"
            + " N in order (as the DeltaProduct script's validation loader).")
    Long seed;

    @Option(names = "--map-batch", defaultValue = "1000", paramLabel = "N", description = "Documents concatenated "
            + "before cutting, as the batch of the script's dataset map (each batch's leftover is dropped; default: "
            + "${DEFAULT-VALUE}).")
    int mapBatch;

    TextSource source() {
        String f = field == null && template == null && preset == null && data.toString().endsWith(".jsonl") ? "text"
                : field;
        return TextSource.of(data, f, template, preset);
    }

    /** For result keys: the data settings with the number of sequences taken from them. */
    String settings(int numSequences) {
        return "data=" + data + ",field=" + field + ",template=" + template + ",preset=" + preset + ",n="
                + numSequences + ",seed=" + seed + ",map_batch=" + mapBatch;
    }
}
