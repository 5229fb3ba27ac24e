package dev.deltaeval.statetracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deltaeval.common.DeltaEvalException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generator's "_hard" and "_m_tokens" variants. Goldens: the encoding loop of the repository's generate_data.py
 * (its DeltaProduct-derived copy in kazuki-irie/lie-algebra-state-tracking@62e3b48, state_tracking/src/
 * generate_data.py), run in Python with random.seed(SEED) and random.choices over the same populations, with the
 * group operation from itertools (element order and composition as the spec's abstract_algebra goldens).
 */
class WordProblemEncodingTest {
    private static int[] ints(String s) {
        return Arrays.stream(s.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    @ParameterizedTest(name = "{0} k {1} seed {2}")
    @CsvSource(delimiter = '|', value = {
        "S5_only_swaps_hard|10|5|45 0 0 0 114 0 0 0 45 0|0 0 0 45 45 45 45 13 13 13|93 0 0 0 18 0 0 0 59 0"
            + "|0 0 0 93 93 93 93 76 76 76",
        "S3_2_tokens|7|11|2 2 3 3 5 5 2|0 2 2 1 1 3 3|3 3 3 3 4 4 0|0 3 3 4 4 3 3",
        "S3_3_tokens_s_token|8|12|2 6 6 3 6 6 3 6|0 0 2 6 6 1 6 6|4 6 6 3 6 6 3 6|0 0 4 6 6 0 6 6",
        "S3_2_tokens_s_token_only_input|7|13|1 6 4 6 4 6 5|0 1 1 2 2 5 5|1 6 4 6 0 6 3|0 1 1 2 2 2 2"})
    void theGeneratorsEncodings(String name, int k, long seed, String in1, String out1, String in2, String out2) {
        List<WordProblem> got = WordProblemSampler.sample(Groups.variant(name), k, 2, seed);
        assertEquals(2, got.size());
        assertArrayEquals(ints(in1), got.get(0).input(), "input 1");
        assertArrayEquals(ints(out1), got.get(0).target(), "target 1");
        assertArrayEquals(ints(in2), got.get(1).input(), "input 2");
        assertArrayEquals(ints(out2), got.get(1).target(), "target 2");
    }

    @Test
    void targetsFollowFromInputsSoFilesCanBeChecked() {
        for (String name : List.of("S5_only_swaps_hard", "A5_hard", "S4_3_tokens", "Z7_2_tokens_s_token",
                "S3_4_tokens_s_token_only_input")) {
            Groups.Variant v = Groups.variant(name);
            for (WordProblem w : WordProblemSampler.sample(v, 23, 50, 3)) {
                assertArrayEquals(w.target(), v.encoding().targets(v.group(), w.input()), name);
            }
        }
    }

    @Test
    void theSeparatorIsOneMoreSymbolAndMOfOneIsRefused() {
        assertEquals(7, Groups.variant("S3_2_tokens_s_token").symbols());
        assertEquals(6, Groups.variant("S3_2_tokens").symbols());
        assertEquals("group \"S3_1_tokens\": m is 1; each element must take at least 2 tokens (the generator fails "
                + "on 1)", assertThrows(DeltaEvalException.class, () -> Groups.variant("S3_1_tokens")).getMessage());
        GroupVocab vocab = GroupVocab.of(Groups.variant("S3_2_tokens_s_token"), 14, "config.json");
        assertEquals(7, vocab.tokens());
        assertEquals("config.json: vocab_size 13 is 6 tokens and 7 specials, but S3 has 6 elements and a separator",
                assertThrows(DeltaEvalException.class, () -> GroupVocab.of(Groups.variant("S3_2_tokens_s_token"), 13,
                        "config.json")).getMessage());
    }
}
