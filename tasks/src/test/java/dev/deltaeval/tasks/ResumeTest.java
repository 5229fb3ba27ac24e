package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deltaeval.core.scoring.LoglikelihoodScorer;
import dev.deltaeval.model.LanguageModel;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.ModelFamilies;
import dev.deltaeval.runtime.ComputeOptions;
import dev.deltaeval.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An evaluation interrupted mid-way resumes from its journal, scores only what is missing, and gives identical numbers. */
class ResumeTest {
    /** The Mistral tokenizer's BOS and EOS ids (its tokenizer_config.json), which these tests' checkpoints use. */
    private static final long MISTRAL_BOS = 1;
    private static final long MISTRAL_EOS = 2;

    static final Path DEMO = Path.of("../checkpoints/demo-dp2-6m");

    @TempDir
    Path cache;

    @Test
    void interruptedRunResumesWithIdenticalResults() throws IOException {
        ModelCheckpoint ckpt = ModelFamilies.open(DEMO);
        TaskSpec spec = TaskRegistry.get("arc_easy");
        try (TextTokenizer tok = TextTokenizer.load(DEMO.resolve("tokenizer.json"));
             LanguageModel model = ckpt.load(ComputeOptions.cpu())) {
            LoglikelihoodScorer scorer = new LoglikelihoodScorer(model, 3, 2048, true);
            Evaluator evaluator = new Evaluator(scorer, new PairEncoder(tok, LmEvalSemantics.CURRENT, MISTRAL_BOS, MISTRAL_EOS), 1000);
            TaskResult reference = evaluator.run(spec, TaskGoldenTest.DATA, 10, null);
            int total = reference.docs().stream().mapToInt(d -> d.requests().size()).sum();

            try (ResultJournal j = journal(ckpt)) {
                assertThrows(IllegalStateException.class, () -> evaluator.run(spec, TaskGoldenTest.DATA, 10, (done, all, perUnit) -> {
                    if (done >= 13) {
                        throw new IllegalStateException("interrupted");
                    }
                }, j));
            }
            // simulate a kill in the middle of writing a record
            try (ResultJournal j = journal(ckpt)) {
                Files.writeString(j.file(), "{\"key\": \"abc", java.nio.file.StandardOpenOption.APPEND);
            }
            try (ResultJournal j = journal(ckpt)) {
                assertEquals(13, j.size(), "13 complete records, the torn one ignored");
                TaskResult resumed = evaluator.run(spec, TaskGoldenTest.DATA, 10, null, j);
                // batches of 3 contexts (12 requests) are planned as in the full run; the first is complete in the
                // journal and skipped, the partly cached one is recomputed whole (same composition, same bits)
                assertEquals(total - 12, scorer.lastStats().requests(), "complete batches are not scored again");
                for (int d = 0; d < reference.docs().size(); d++) {
                    for (int c = 0; c < reference.responses().get(d).size(); c++) {
                        assertEquals(reference.responses().get(d).get(c), resumed.responses().get(d).get(c));
                    }
                }
                assertEquals(reference.metrics(), resumed.metrics());
                assertEquals(total, j.size());
            }
            try (ResultJournal j = journal(ckpt)) {
                TaskResult again = evaluator.run(spec, TaskGoldenTest.DATA, 10, null, j);
                assertEquals(reference.metrics(), again.metrics(), "a complete journal reproduces the run");
            }
        }
    }

    @Test
    void generationsAreJournaledAndNotRepeated() throws IOException {
        ModelCheckpoint ckpt = ModelFamilies.open(DEMO);
        TaskSpec spec = TaskRegistry.get("swde");
        try (TextTokenizer tok = TextTokenizer.load(DEMO.resolve("tokenizer.json"));
             LanguageModel model = ckpt.load(ComputeOptions.cpu())) {
            LoglikelihoodScorer scorer = new LoglikelihoodScorer(model, 4, 2048, true);
            PairEncoder enc = new PairEncoder(tok, LmEvalSemantics.CURRENT, MISTRAL_BOS, MISTRAL_EOS);
            Evaluator generating = new Evaluator(scorer, enc, 100, new Generator(model, tok, LmEvalSemantics.CURRENT,
                    ckpt.info().eosTokenId(), 2048), LmEvalSemantics.CURRENT);
            TaskResult first;
            try (ResultJournal j = new ResultJournal(cache, ckpt.contentHash(), LmEvalSemantics.CURRENT, "swde", "g")) {
                first = generating.run(spec, TaskGoldenTest.DATA, 2, null, j);
                assertEquals(2, j.size());
            }
            // no generator at all: the rerun can only succeed from the journal
            Evaluator noModel = new Evaluator(scorer, enc, 100, null, LmEvalSemantics.CURRENT);
            try (ResultJournal j = new ResultJournal(cache, ckpt.contentHash(), LmEvalSemantics.CURRENT, "swde", "g")) {
                TaskResult again = noModel.run(spec, TaskGoldenTest.DATA, 2, null, j);
                assertEquals(first.generations(), again.generations());
                assertEquals(first.metrics(), again.metrics());
                TaskException e = assertThrows(TaskException.class,
                        () -> noModel.run(spec, TaskGoldenTest.DATA, 3, null, j)); // the third is not journaled
                assertEquals("task swde generates text, but no generator was configured", e.getMessage());
            }
        }
    }

    private ResultJournal journal(ModelCheckpoint ckpt) {
        return new ResultJournal(cache, ckpt.contentHash(), LmEvalSemantics.CURRENT, "arc_easy", "max_length=2048,fork=true");
    }
}
