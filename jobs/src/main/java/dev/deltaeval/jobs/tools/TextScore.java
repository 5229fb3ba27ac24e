package dev.deltaeval.jobs.tools;

import dev.deltaeval.common.AtomicFiles;
import dev.deltaeval.core.SequenceScorer;
import dev.deltaeval.jobs.CheckpointRef;
import dev.deltaeval.jobs.Compute;
import dev.deltaeval.jobs.ComputeRequest;
import dev.deltaeval.jobs.JobContext;
import dev.deltaeval.jobs.ProgressLine;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-token log-probabilities, total NLL and perplexity of a text; long texts in segments that carry the recurrent
 * state, so memory stays O(segment) and the result equals one pass over the whole text.
 */
public final class TextScore {
    private TextScore() {
    }

    /**
     * @param text     the text, or null to read {@code file}
     * @param noBos    do not prepend the tokenizer's special tokens
     * @param perToken print a table of tokens and their log-probabilities
     * @param json     write the results as JSON to this file, or null
     */
    public record Spec(String checkpoint, String text, String file, boolean noBos, int segment, boolean perToken,
                       String json, ComputeRequest compute) {
    }

    public static void run(Spec spec, JobContext ctx) throws IOException {
        ModelCheckpoint ckpt = CheckpointRef.open(spec.checkpoint() == null ? null : Path.of(spec.checkpoint()));
        String text = spec.text() != null ? spec.text() : dev.deltaeval.common.DataFiles.readUtf8(Path.of(spec.file()));
        try (TextTokenizer tok = CheckpointRef.tokenizer(ckpt, "score");
             LanguageModel model = Compute.load(ckpt, Compute.resolve(spec.compute(), ckpt))) {
            if (text.length() > 1_000_000) {
                System.err.printf("deltaeval: tokenizing %.1f M characters%n", text.length() / 1e6);
            }
            long[] ids = tok.encode(text, !spec.noBos());
            long t0 = System.nanoTime();
            // a long file runs for minutes: say how far it is (a line per tenth when stderr is not a terminal)
            ProgressLine progress = ids.length > 4L * spec.segment() ? new ProgressLine("scoring", ids.length - 1,
                    "tokens") : null;
            SequenceScorer.Scores s = SequenceScorer.score(model, ids, spec.segment(), done -> {
                if (progress != null) {
                    progress.update(done);
                }
            });
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
            if (spec.perToken() || spec.json() != null) {
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
                if (spec.perToken()) {
                    ctx.out().printf("%8s %8s  %-20s %10s%n", "position", "id", "token", "logprob");
                    for (Map<String, Object> r : rows) {
                        ctx.out().printf("%8d %8d  %-20s %10.4f%n", r.get("position"), r.get("id"),
                                "\"" + r.get("token").toString().replace("\n", "\\n") + "\"", r.get("logprob"));
                    }
                }
                out.put("per_token", rows);
            }
            ctx.out().printf("tokens %d (scored %d)  total NLL %.4f  mean NLL %.4f  perplexity %.3f  %.0f tokens/s%n",
                    ids.length, n, nll, nll / n, Math.exp(nll / n), ids.length / secs);
            if (spec.json() != null) {
                AtomicFiles.writeJson(Path.of(spec.json()), out);
            }
        }
    }
}
