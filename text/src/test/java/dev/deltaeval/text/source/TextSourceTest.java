package dev.deltaeval.text.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;


import dev.deltaeval.common.DeltaEvalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSONL sources: templates fill fields; a template naming none, or a line that is not UTF-8, is one line. */
class TextSourceTest {
    @TempDir
    Path tmp;

    @Test
    void aTemplateFillsFieldsAndOneWithoutPlaceholdersIsRefused() throws IOException {
        Path f = Files.writeString(tmp.resolve("d.jsonl"), "{\"q\": \"a\", \"n\": 3}\n\n{\"q\": \"b\", \"n\": 4}\n");
        assertEquals(List.of("Q: a (3)", "Q: b (4)"), TextSource.of(f, null, "Q: {q} ({n})", null).read());
        DeltaEvalException e = assertThrows(DeltaEvalException.class, () -> TextSource.of(f, null, "{oops", null)
                .read());
        assertEquals("template '{oops' names no field: expected {field} placeholders, e.g. \"Question: {query}, "
                + "Answer: {answer}\"", e.getMessage());
    }

    @Test
    void invalidUtf8NamesTheLine() throws IOException {
        Path f = tmp.resolve("d.jsonl");
        Files.write(f, new byte[] {'{', '"', 'q', '"', ':', '"', 'a', '"', '}', '\n', '{', '"', 'q', '"', ':', '"',
            (byte) 0xC3, '(', '"', '}', '\n'});
        assertEquals(f + " line 2: not valid UTF-8", assertThrows(DeltaEvalException.class,
                () -> TextSource.of(f, "q", null, null).read()).getMessage());
    }
}
