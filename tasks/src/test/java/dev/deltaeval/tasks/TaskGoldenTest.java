package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deltaeval.tasks.TaskDoc.TextRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first document of every bundled data file, as lm-eval builds it (checked by hand against lm-eval.md §3.2).
 * Data: data/tasks-sample, the first 20 documents of each file in shared/data/tasks.
 */
class TaskGoldenTest {
    static final Path DATA = Path.of("../data/tasks-sample");

    private static TaskDoc first(String task) {
        TaskSpec spec = TaskRegistry.get(task);
        return RequestBuilder.build(spec, DocumentReader.read(DATA, spec, 1)).get(0);
    }

    private static void assertMc(TaskDoc d, String context, int gold, String... continuations) {
        assertEquals(gold, d.gold());
        assertEquals(continuations.length, d.requests().size());
        for (int i = 0; i < continuations.length; i++) {
            assertEquals(new TextRequest(context, continuations[i]), d.requests().get(i), "choice " + i);
        }
    }

    @Test
    void piqa() {
        String sol = "Provide the guinea pig with a cage full of a few inches of bedding made of ripped %s, you will also "
                + "need to supply it with a water bottle and a food dish.";
        assertMc(first("piqa"), "Question: How do I ready a guinea pig cage for it's new occupants?\nAnswer:", 0,
                " " + String.format(sol, "paper strips"), " " + String.format(sol, "jeans material"));
    }

    @Test
    void arcEasyAndChallengeUseTheAnswerKeysIndex() {
        assertMc(first("arc_easy"), "Question: Which statement best explains why photosynthesis is the foundation of most "
                + "food webs?\nAnswer:", 0, " Sunlight is the source of energy for nearly all ecosystems.",
                " Most ecosystems are found on land instead of in water.",
                " Carbon dioxide is more available than other gases.", " The producers in all ecosystems are plants.");
        TaskDoc c = first("arc_challenge");
        assertEquals(2, c.gold(), "answerKey C");
        assertEquals(" Planetary days will become shorter.", c.requests().get(2).continuation());
    }

    @Test
    void openbookqaUsesTheRawStem() {
        TaskDoc d = first("openbookqa");
        assertEquals(1, d.gold(), "answerKey B");
        assertEquals("A person wants to start saving money so that they can afford a nice vacation at the end of the "
                + "year. After looking over their budget and expenses, they decide the best way to save money is to",
                d.requests().get(0).context());
        assertEquals(" quit eating lunch out", d.requests().get(1).continuation());
    }

    @Test
    void boolqAsksWithAQuestionMarkAfterSuperGluesTitledPassage() {
        TaskDoc d = first("boolq");
        assertEquals(0, d.gold(), "answer false");
        String ctx = d.requests().get(0).context();
        // super_glue's passage, which lm-eval reads, is "TITLE -- PASSAGE"; Google's file keeps the title apart
        assertEquals(true, ctx.startsWith("Ethanol fuel -- All biomass goes through at least some of these steps"));
        assertEquals(true, ctx.endsWith("\nQuestion: does ethanol take more energy make that produces?\nAnswer:"));
        assertEquals(List.of(" no", " yes"), d.requests().stream().map(TextRequest::continuation).toList());
    }

    @Test
    void copaHasTwoSpacesAndDropsThePeriod() {
        assertMc(first("copa"), "The man turned on the faucet therefore", 1, "  the toilet filled with water.",
                "  water flowed from the spout.");
        assertEquals(List.of(" the toilet filled with water.", " water flowed from the spout."), first("copa").choices(),
                "acc_norm lengths include the choice's own space");
    }

    @Test
    void hellaswagCapitalisesCtxB() {
        assertMc(first("hellaswag"), "Roof shingle removal: A man is sitting on a roof. He", 3,
                " is using wrap to wrap a pair of skis.", " is ripping level tiles off.", " is holding a rubik's cube.",
                " starts pulling up roofing on a roof.");
    }

    @Test
    void hellaswagHuggingFaceLayoutGetsTheFullPreprocessing() throws Exception {
        // lm-eval.md §3.2 test vector
        var doc = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"activity_label\": \"Home and Garden\", \"ctx_a\": \"[header] How to make a paper airplane "
                        + "[title] Fold the paper in half.\", \"ctx_b\": \"then unfold it\", \"endings\": [\"a  [step] b\", "
                        + "\"c\"], \"label\": \"1\"}");
        TaskDoc d = RequestBuilder.build(TaskRegistry.get("hellaswag"), List.of(doc)).get(0);
        assertEquals("Home and Garden: How to make a paper airplane. Fold the paper in half. Then unfold it",
                d.requests().get(0).context());
        // "a  [step] b" -> "a   b" (tag removed) -> "a  b": one replace("  ", " ") pass turns three spaces into two
        assertEquals(" a  b", d.requests().get(0).continuation());
        assertEquals(1, d.gold());
    }

    @Test
    void winograndeScoresTheSharedContinuationAfterEachOption() {
        TaskDoc d = first("winogrande");
        assertEquals(1, d.gold(), "answer 2");
        assertEquals(new TextRequest("Sarah was a much better surgeon than Maria so Sarah", " always got the easier cases."),
                d.requests().get(0));
        assertEquals(new TextRequest("Sarah was a much better surgeon than Maria so Maria", " always got the easier cases."),
                d.requests().get(1));
    }

    @Test
    void socialIqaLabelsAreOneBased() {
        assertMc(first("social_iqa"), "Q: Tracy didn't go home that evening and resisted Riley's attacks. What does Tracy "
                + "need to do before this?\nA:", 2, " make a new plan", " Go home and see Riley", " Find somewhere to go");
    }

    @Test
    void lambadaSplitsOffTheLastWord() {
        TaskDoc d = first("lambada_openai");
        assertEquals(" signs", d.requests().get(0).continuation());
        assertEquals(true, d.requests().get(0).context().endsWith("his mouth curved in a confident grin, I don't care about"));
        assertEquals(-1, d.gold());
    }

    @Test
    void sciqLstripsTheSupportAndAnswersLast() throws Exception {
        var doc = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"question\": \"What gas do plants absorb?\", \"distractor1\": \"oxygen\", "
                        + "\"distractor2\": \"helium\", \"distractor3\": \"neon\", \"correct_answer\": \"carbon dioxide\", "
                        + "\"support\": \"  Plants use light.\"}");
        TaskDoc d = RequestBuilder.build(TaskRegistry.get("sciq"), List.of(doc)).get(0);
        assertEquals(3, d.gold());
        assertEquals(new TextRequest("Plants use light.\nQuestion: What gas do plants absorb?\nAnswer:", " carbon dioxide"),
                d.requests().get(3));
        var empty = doc.deepCopy().put("support", "");
        assertEquals("\nQuestion: What gas do plants absorb?\nAnswer:",
                RequestBuilder.build(TaskRegistry.get("sciq"), List.of(empty)).get(0).requests().get(0).context());
    }

    @Test
    void groupsExpandAsInLmEval() {
        assertEquals(List.of("lambada_openai", "lambada_standard", "piqa"),
                TaskRegistry.expand(List.of("lambada", "piqa", "lambada_openai")));
        assertEquals(List.of("arc_easy", "arc_challenge"), TaskRegistry.expand(List.of("ai2_arc")));
    }
}
