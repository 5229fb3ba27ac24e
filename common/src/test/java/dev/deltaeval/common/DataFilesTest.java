package dev.deltaeval.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad bytes are placed exactly; long strings are data, not an attack. */
class DataFilesTest {
    @TempDir
    Path tmp;

    @Test
    void invalidUtf8IsPlacedByByteAndByLine() throws IOException {
        Path f = tmp.resolve("t.txt");
        Files.write(f, new byte[] {'a', 'b', 'c', (byte) 0xC3, '(', '\n'});
        assertEquals(f + ": not valid UTF-8 (bad byte at offset 3)",
                assertThrows(DeltaEvalException.class, () -> DataFiles.readUtf8(f)).getMessage());
        // a bad line far into a file: a block-decoding reader would blame a line near the start of its block
        StringBuilder ok = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            ok.append("line ").append(i).append("\r\n");
        }
        byte[] head = ok.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(head, head.length + 3);
        all[head.length] = 'x';
        all[head.length + 1] = (byte) 0xFF;
        all[head.length + 2] = '\n';
        Files.write(f, all);
        List<String> seen = new ArrayList<>();
        DeltaEvalException e = assertThrows(DeltaEvalException.class, () -> DataFiles.forEachUtf8Line(f,
                (n, line) -> seen.add(line)));
        assertEquals(f + " line 5001: not valid UTF-8", e.getMessage());
        assertEquals(5000, seen.size());
        assertEquals("line 4999", seen.get(4999), "CRLF line ends are dropped");
    }

    @Test
    void theLastLineNeedsNoNewline() throws IOException {
        Path f = Files.writeString(tmp.resolve("t.txt"), "one\ntwo");
        List<String> seen = new ArrayList<>();
        DataFiles.forEachUtf8Line(f, (n, line) -> seen.add(n + ":" + line));
        assertEquals(List.of("1:one", "2:two"), seen);
    }

    @Test
    void aStringLongerThanJacksonsDefaultCapIsRead() throws IOException {
        String big = "w".repeat(21_000_000);
        String json = "{\"text\": \"" + big + "\"}";
        assertEquals(big.length(), DataFiles.jsonMapper().readTree(json).get("text").asText().length());
    }
}
