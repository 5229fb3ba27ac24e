package dev.deltaeval.tasks.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values are what CPython 3.11 returns (lm-eval.md §2-§3 and hand-checked cases). */
class PyTextTest {
    @Test
    void capitalizeLowersTheRest() {
        assertEquals("Then unfold it", PyText.capitalize("then unFold IT"));
        assertEquals("", PyText.capitalize(""));
        assertEquals("1st place", PyText.capitalize("1st Place"));
        assertEquals("\u01c5ungla", PyText.capitalize("\u01c6ungla"), "first letter title-cased (dz digraph)");
    }

    @Test
    void pythonWhitespaceIsWiderThanJavas() {
        assertEquals("a", PyText.rstrip("a \u00a0\u202f\t\n"));
        assertEquals("x\u200b", PyText.rstrip("x\u200b"), "zero-width space is not whitespace in Python");
        assertEquals("b c", PyText.strip("\u3000 b c\u2003"));
    }

    @Test
    void lengthCountsCodePoints() {
        assertEquals(2, PyText.len("\ud83d\ude42a"));
        assertEquals(5, PyText.len("caf\u00e9s"));
    }

    @Test
    void splitOnSpaceKeepsEmptyPieces() {
        assertEquals(List.of("", "a", "", "b", ""), PyText.splitOnSpace(" a  b "));
        assertEquals(List.of(""), PyText.splitOnSpace(""));
    }

    @Test
    void wordCountOfWikitextTestVector() {
        // lm-eval.md §3.2: re.split(r"\s+", ...) of this page has 14 elements, with empty strings at both ends
        assertEquals(14, PyText.reSplitWhitespaceCount(" = Valkyria Chronicles III = \n \n Senj\u014d no Valkyria 3 : "
                + "Unrecorded Chronicles \n"));
        assertEquals(1, PyText.reSplitWhitespaceCount("word"));
        assertEquals(2, PyText.reSplitWhitespaceCount("a\u00a0b"));
    }
}
