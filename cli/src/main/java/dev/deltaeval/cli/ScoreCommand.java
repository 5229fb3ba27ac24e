package dev.deltaeval.cli;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.core.SequenceScorer;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Per-token log-probabilities, total NLL and perplexity of a text.",
            "Long texts are scored in segments that carry the recurrent state, so memory stays O(segment) and the",
            "result equals one pass over the whole text."})
final class ScoreCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CHECKPOINT",
            description = "Checkpoint directory (default: " + CheckpointRef.DEFAULT + ").")
    Path checkpoint;

    static final class Source {
        @Option(names = "--text", paramLabel = "TEXT", description = "Text to score.", required = true)
        String text;

        @Option(names = "--file", paramLabel = "FILE", description = "UTF-8 file to score.", required = true)
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--no-bos", description = "Do not prepend the tokenizer's special tokens (BOS).")
    boolean noBos;

    @Option(names = "--segment", defaultValue = "4096", paramLabel = "N",
            description = "Tokens per forward pass (default: ${DEFAULT-VALUE}).")
    int segment;

    @Option(names = "--per-token", description = "Print a table of tokens and their log-probabilities.")
    boolean perToken;

    @Option(names = {"--json", "--output"}, paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Mixin
    ComputeMixin compute;

    @Override
    public Integer call() throws IOException {
        ModelCheckpoint ckpt = CheckpointRef.open(checkpoint);
        String text = source.text != null ? source.text : Files.readString(source.file);
        try (TextTokenizer tok = CheckpointRef.tokenizer(ckpt, "score"); LanguageModel model = ComputeMixin.load(ckpt, compute.options(ckpt))) {
            long[] ids = tok.encode(text, !noBos);
            long t0 = System.nanoTime();
            SequenceScorer.Scores s = SequenceScorer.score(model, ids, segment);
            double secs = (System.nanoTime() - t0) / 1e9;
            int n = s.logProbs().length;
            double nll = s.totalNll();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("checkpoint", ckpt.dir().toString());
            out.put("tokens", ids.length);
            out.put("scored_tokens", n);
            out.put("total_nll", nll);
            out.put("mean_nll", nll / n);
            out.put("perplexity", Math.exp(nll / n));
            out.put("tokens_per_second", ids.length / secs);
            if (perToken || json != null) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("position", i + 1);
                    r.put("id", ids[i + 1]);
                    r.put("token", tok.decode(new long[] {ids[i + 1]}, false));
                    r.put("logprob", s.logProbs()[i]);
                    r.put("greedy", s.argmax()[i] == ids[i + 1]);
                    rows.add(r);
                }
                if (perToken) {
                    System.out.printf("%8s %8s  %-20s %10s%n", "position", "id", "token", "logprob");
                    for (Map<String, Object> r : rows) {
                        System.out.printf("%8d %8d  %-20s %10.4f%n", r.get("position"), r.get("id"),
                                "\"" + r.get("token").toString().replace("\n", "\\n") + "\"", r.get("logprob"));
                    }
                }
                out.put("per_token", rows);
            }
            System.out.printf("tokens %d (scored %d)  total NLL %.4f  mean NLL %.4f  perplexity %.3f  %.0f tokens/s%n",
                    ids.length, n, nll, nll / n, Math.exp(nll / n), ids.length / secs);
            if (json != null) {
                AtomicFiles.writeJson(json, out);
            }
        }
        return 0;
    }
}
