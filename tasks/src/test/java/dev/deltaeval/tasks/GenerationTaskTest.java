package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deltaeval.tasks.TaskDoc.TextRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recall tasks: prompts per lm-eval version, stop-string cutting and lm-eval's contains metric. */
class GenerationTaskTest {
    @Test
    void currentLmEvalStripsPromptAndTargetAndVersion042DoesNot() {
        TaskSpec swde = TaskRegistry.get("swde");
        var docs = DocumentReader.read(TaskGoldenTest.DATA, swde, 1);
        TextRequest current = RequestBuilder.build(swde, docs, LmEvalSemantics.CURRENT).get(0).requests().get(0);
        TextRequest old = RequestBuilder.build(swde, docs, LmEvalSemantics.V0_4_2).get(0).requests().get(0);
        assertEquals("Python Software Foundation\nproduct: Python 3.11\nlicense: PSF License\nlicense:", current.context());
        assertEquals("PSF License", current.continuation());
        assertEquals("  Python Software Foundation\nproduct: Python 3.11\nlicense: PSF License\nlicense: ", old.context());
        assertEquals(" PSF License ", old.continuation());
    }

    @Test
    void generationSettingsFollowTheVersion() {
        assertEquals(new TaskSpec.Generation(true, List.of("\n"), 48), TaskRegistry.get("fda").generation(LmEvalSemantics.CURRENT));
        assertEquals(new TaskSpec.Generation(true, List.of("\n\n"), 256),
                TaskRegistry.get("squad_completion").generation(LmEvalSemantics.CURRENT));
        assertEquals(new TaskSpec.Generation(false, List.of("\n"), 48),
                TaskRegistry.get("squad_completion").generation(LmEvalSemantics.V0_4_2));
    }

    @Test
    void cutAtEachStopStringInOrder() {
        assertEquals(" Guido", Generator.cut(" Guido\nvan", List.of("\n")));
        assertEquals("a", Generator.cut("a\n\nb\nc", List.of("\n\n", "\n")));
        assertEquals("no stop", Generator.cut("no stop", List.of("\n")));
    }

    @Test
    void containsIsACaseInsensitiveLiteralSubstring() {
        assertEquals(1.0, Generator.contains(" it is guido VAN rossum.", "Guido van Rossum"));
        assertEquals(0.0, Generator.contains("axb", "a.b"), "the target is escaped, not a pattern");
        assertEquals(1.0, Generator.contains("x (a.b) y", "(a.b)"));
        assertEquals(0.0, Generator.contains("", "PSF License"));
    }
}
