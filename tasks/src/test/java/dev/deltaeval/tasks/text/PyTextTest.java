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

    /**
     * Golden pairs from CPython 3.11's {@code str.capitalize} (Unicode 14), printed with {@code json.dumps(...,
     * ensure_ascii=True)}: full title case of the first code point (multi-character for ß, ligatures, ŉ, Greek with
     * iota subscript), full lower case of the rest, final sigma judged on the whole string.
     */
    @Test
    void capitalizeEqualsPythonsForSpecialCasing() {
        String[][] golden = {
            {"\u00dftra\u00dfe", "Sstra\u00dfe"},
            {"\ufb01ne \ufb01sh", "Fine \ufb01sh"},
            {"\u0149", "\u02bcN"},
            {"\u01f0X", "J\u030cx"},
            {"\u1fb3\u03a3", "\u1fbc\u03c2"},
            {"A\u03a3 b", "A\u03c2 b"},
            {"\u0391\u03a3", "\u0391\u03c2"},
            {"\u0130STANBUL", "\u0130stanbul"},
            {"\ufb03", "Ffi"},
            {"\u0390\u03a3.", "\u0399\u0308\u0301\u03c2."},
            {"\u1fb2 test", "\u1fba\u0345 test"},
            {"\u038c\u03a3\u039f\u03a3 \u03a3\u0391\u03a3", "\u038c\u03c3\u03bf\u03c2 \u03c3\u03b1\u03c2"},
        };
        for (String[] g : golden) {
            assertEquals(g[1], PyText.capitalize(g[0]), "capitalize of " + g[0]);
        }
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
