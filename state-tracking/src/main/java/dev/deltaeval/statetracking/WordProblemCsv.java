package dev.deltaeval.statetracking;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.common.DeltaEvalException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The generator's CSV ({@code {group}={k}.csv}): header {@code seed,input,target}, inputs and targets as
 * space-separated element indices, no BOS. Python's files read as they are, gzip-compressed ones too ({@code .gz}).
 */
public final class WordProblemCsv {
    public static final String HEADER = "seed,input,target";

    private WordProblemCsv() {
    }

    /** A sequence of the file with the seed its row names. */
    public record Row(long seed, WordProblem problem) {
    }

    public static void write(Path file, long seed, List<WordProblem> problems) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (WordProblem w : problems) {
            sb.append(seed).append(',').append(join(w.input())).append(',').append(join(w.target())).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    private static String join(int[] xs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            sb.append(i == 0 ? "" : " ").append(xs[i]);
        }
        return sb.toString();
    }

    /** Every row, elements checked against the group's order; one line naming the file and row when malformed. */
    public static List<Row> read(Path file, int groupOrder) throws IOException {
        try {
            return readRows(file, groupOrder);
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
            throw new DeltaEvalException(file + ": the gzip data is cut off or corrupt (" + e.getMessage() + ")");
        }
    }

    private static List<Row> readRows(Path file, int groupOrder) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = open(file)) {
            String header = in.readLine();
            if (header == null || !header.strip().equals(HEADER)) {
                throw new DeltaEvalException(file + ": expected the header \"" + HEADER + "\", got "
                        + (header == null ? "an empty file" : "\"" + header.strip() + "\""));
            }
            String line;
            int row = 1;
            while ((line = in.readLine()) != null) {
                row++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.strip().split(",", -1);
                if (f.length != 3) {
                    throw new DeltaEvalException(file + ": row " + row + " has " + f.length
                            + " fields, expected seed,input,target");
                }
                try {
                    int[] input = ints(f[1], groupOrder);
                    int[] target = ints(f[2], groupOrder);
                    if (input.length != target.length) {
                        throw new DeltaEvalException(file + ": row " + row + ": input has " + input.length
                                + " elements, target " + target.length);
                    }
                    rows.add(new Row(Long.parseLong(f[0].strip()), new WordProblem(input, target)));
                } catch (NumberFormatException e) {
                    throw new DeltaEvalException(file + ": row " + row + ": " + e.getMessage());
                }
            }
        }
        return rows;
    }

    private static BufferedReader open(Path file) throws IOException {
        java.io.InputStream raw = Files.newInputStream(file);
        try {
            java.io.InputStream body = file.getFileName().toString().endsWith(".gz")
                    ? new java.util.zip.GZIPInputStream(raw, 1 << 16) : raw;
            return new BufferedReader(new java.io.InputStreamReader(body, StandardCharsets.UTF_8));
        } catch (java.util.zip.ZipException e) {
            raw.close();
            throw new DeltaEvalException(file + ": not a gzip file (" + e.getMessage() + ")");
        }
    }

    private static int[] ints(String field, int order) {
        String[] parts = field.strip().split(" +");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i]);
            if (out[i] < 0 || out[i] >= order) {
                throw new NumberFormatException("element " + out[i] + " is not in a group of order " + order);
            }
        }
        return out;
    }
}
