package dev.deltaeval.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong task names and missing, malformed or empty data give one line naming the task, file and expectation. */
class BadTaskInputTest {
    @TempDir
    Path dir;

    @Test
    void unknownTaskListsTheKnownOnes() {
        TaskException e = assertThrows(TaskException.class, () -> TaskRegistry.get("hellaswagg"));
        assertTrue(e.getMessage().startsWith("unknown task \"hellaswagg\"; did you mean hellaswag? (known: arc_challenge,"
                + " arc_easy, boolq"),
                e.getMessage());
    }

    @Test
    void missingDataFile() {
        TaskException e = assertThrows(TaskException.class, () -> DocumentReader.read(dir, TaskRegistry.get("piqa"), -1));
        assertEquals("task piqa: data file " + dir.resolve("piqa_valid.jsonl") + " not found (expected piqa_valid.jsonl "
                + "in data_dir " + dir + ")", e.getMessage());
    }

    @Test
    void malformedAndEmptyFiles() throws IOException {
        Files.writeString(dir.resolve("copa_superglue_val.jsonl"), "{\"premise\": \"y\"}\n\n{\"premise\": \"x\"\n");
        TaskException bad = assertThrows(TaskException.class, () -> DocumentReader.read(dir, TaskRegistry.get("copa"), -1));
        assertTrue(bad.getMessage().startsWith("task copa: " + dir.resolve("copa_superglue_val.jsonl") + " line 3 is not "
                + "valid JSON ("), bad.getMessage());
        Files.write(dir.resolve("copa_superglue_val.jsonl"), new byte[] {'{', '}', '\n', '{', '"', (byte) 0xC3, '"', '}',
            '\n'});
        TaskException utf = assertThrows(TaskException.class, () -> DocumentReader.read(dir, TaskRegistry.get("copa"), -1));
        assertEquals("task copa: " + dir.resolve("copa_superglue_val.jsonl") + " line 2 is not valid UTF-8",
                utf.getMessage());
        Files.writeString(dir.resolve("copa_superglue_val.jsonl"), "\n");
        TaskException empty = assertThrows(TaskException.class, () -> DocumentReader.read(dir, TaskRegistry.get("copa"), -1));
        assertEquals("task copa: " + dir.resolve("copa_superglue_val.jsonl") + " holds no documents", empty.getMessage());
    }

    @Test
    void labelFileWithTheWrongCount() throws IOException {
        Files.writeString(dir.resolve("piqa_valid.jsonl"), "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\"}\n".repeat(3));
        Files.writeString(dir.resolve("piqa_valid-labels.lst"), "0\n1\n");
        TaskException e = assertThrows(TaskException.class, () -> DocumentReader.read(dir, TaskRegistry.get("piqa"), -1));
        assertEquals("task piqa: " + dir.resolve("piqa_valid-labels.lst") + " has 2 labels for 3 documents", e.getMessage());
    }

    @Test
    void missingField() throws IOException {
        Files.writeString(dir.resolve("piqa_valid.jsonl"), "{\"goal\": \"g\", \"sol1\": \"a\"}\n");
        Files.writeString(dir.resolve("piqa_valid-labels.lst"), "0\n");
        TaskSpec spec = TaskRegistry.get("piqa");
        TaskException e = assertThrows(TaskException.class, () -> RequestBuilder.build(spec,
                DocumentReader.read(dir, spec, -1)));
        assertTrue(e.getMessage().startsWith("task piqa: document has no field \"sol2\""), e.getMessage());
    }

    @Test
    void aNumberWhereTheTaskInsertsTextIsNamed() throws IOException {
        Files.writeString(dir.resolve("piqa_valid.jsonl"), "{\"goal\": 12345, \"sol1\": \"a\", \"sol2\": \"b\"}\n");
        Files.writeString(dir.resolve("piqa_valid-labels.lst"), "0\n");
        TaskSpec spec = TaskRegistry.get("piqa");
        TaskException e = assertThrows(TaskException.class, () -> RequestBuilder.build(spec,
                DocumentReader.read(dir, spec, -1)));
        assertTrue(e.getMessage().startsWith("task piqa: field \"goal\" is 12345, a number where the task expects "
                + "text (document: "), e.getMessage());
    }

    @Test
    void choicesThatAreNotAListAreNamed() throws IOException {
        Files.writeString(dir.resolve("hellaswag_val.jsonl"), "{\"activity_label\": \"A\", \"ctx_a\": \"x\", "
                + "\"ctx_b\": \"y\", \"endings\": \"one ending\", \"label\": \"0\"}\n");
        TaskSpec spec = TaskRegistry.get("hellaswag");
        TaskException e = assertThrows(TaskException.class, () -> RequestBuilder.build(spec,
                DocumentReader.read(dir, spec, -1)));
        assertTrue(e.getMessage().contains("endings") && e.getMessage().contains("a list"), e.getMessage());
    }

    @Test
    void aLabelThatIsNotAnIndexNamesTheFileAndLine() throws IOException {
        Files.writeString(dir.resolve("piqa_valid.jsonl"), "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\"}\n".repeat(2));
        Files.writeString(dir.resolve("piqa_valid-labels.lst"), "0\nx\n");
        TaskException e = assertThrows(TaskException.class, () -> DocumentReader.read(dir, TaskRegistry.get("piqa"), -1));
        assertEquals("task piqa: " + dir.resolve("piqa_valid-labels.lst") + " label 2 is \"x\" (expected a choice index "
                + "such as 0 or 1)", e.getMessage());
    }
}
