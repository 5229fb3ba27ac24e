package dev.deltaeval.cli;

import dev.deltaeval.jobs.DataSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which documents to read and how to turn them into sequences: shared by extrapolate and rank. */
public final class DataSourceMixin {
    static final String DEFAULT_DATA = DataSettings.DEFAULT_DATA;

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

    /** The options as a job's data settings. */
    DataSettings settings() {
        return new DataSettings(data.toString(), field, template, preset, seed, mapBatch);
    }
}
