package dev.deltaeval.statetracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.common.CPythonRandom;
import dev.deltaeval.common.DeltaEvalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DeltaProduct repository's generate_data.py and abstract_algebra's groups, against what running their Python
 * printed (shared/specs/state-tracking.md §1, draw order).
 */
class GeneratorGoldenTest {
    @TempDir
    Path tmp;

    private static int[] ints(String s) {
        return Arrays.stream(s.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
    }

    /** "input | target ; input | target" as printed by the Python run. */
    private static void assertDraws(String group, int k, int samples, long seed, String golden) {
        FiniteGroup g = Groups.parse(group);
        List<WordProblem> got = WordProblemSampler.sample(g, k, samples, seed);
        String[] rows = golden.split(";");
        assertEquals(rows.length, got.size(), group);
        for (int i = 0; i < rows.length; i++) {
            String[] io = rows[i].split("\\|");
            assertArrayEquals(ints(io[0]), got.get(i).input(), group + " row " + i + " input");
            assertArrayEquals(ints(io[1]), got.get(i).target(), group + " row " + i + " target");
        }
    }

    @Test
    void pythonsMersenneTwisterFromASeed() {
        CPythonRandom r = new CPythonRandom(1234);
        assertEquals(0.9664535356921388, r.random());
        assertEquals(0.4407325991753527, r.random());
        assertEquals(0.007491470058587191, r.random());
    }

    @Test
    void theRepositorysDrawsAndPrefixProducts() {
        assertDraws("S3", 8, 3, 666, "2 5 2 3 4 3 4 0 | 2 4 1 5 1 5 1 1 ; 4 2 3 5 5 0 5 0 | 4 1 5 0 5 5 0 0 ;"
                + " 4 1 5 3 2 4 3 0 | 4 5 0 3 5 1 5 5");
        assertDraws("A5", 8, 3, 666, "27 54 26 30 48 33 42 7 | 27 37 32 49 21 6 27 33 ; 48 23 37 53 59 1 58 5 | 48 7 "
                + "49 13 56 54 40 42 ; 40 10 55 36 25 42 31 5 | 40 37 54 22 28 7 35 30");
        assertDraws("S5", 8, 3, 42, "76 3 33 26 88 81 107 10 | 76 72 1 28 71 46 67 49 ; 50 3 26 60 3 23 77 65 | 50 49 "
                + "10 102 105 101 69 37 ; 26 70 97 0 96 83 40 18 | 26 95 16 16 51 97 15 2");
        assertDraws("A4_x_Z5", 6, 2, 7, "19 9 39 4 32 21 | 19 28 42 41 8 44 ; 3 30 2 26 4 5 | 3 33 30 11 10 0");
        assertDraws("Z60", 6, 2, 0, "50 45 25 15 30 24 | 50 35 0 15 45 9 ; 47 18 28 35 54 30 | 47 5 33 8 2 32");
        // S3 k=6 seed=1234: the draws (Python's CSV lists the same rows in set order)
        List<WordProblem> s3 = WordProblemSampler.sample(Groups.parse("S3"), 6, 5, 1234);
        assertArrayEquals(ints("5 2 0 5 5 3"), s3.get(0).input());
        assertArrayEquals(ints("5 3 3 1 3 4"), s3.get(0).target());
        assertArrayEquals(ints("3 0 3 1 3 3"), s3.get(4).input());
        assertArrayEquals(ints("3 3 4 5 2 1"), s3.get(4).target());
    }

    @Test
    void elementOrderAndGroupAxioms() {
        PermutationGroup s5 = PermutationGroup.symmetric(5);
        PermutationGroup a5 = PermutationGroup.alternating(5);
        assertEquals(120, s5.order());
        assertEquals(60, a5.order());
        assertEquals(12, PermutationGroup.alternating(4).order());
        assertEquals("(1, 2, 3, 5, 4)", s5.elementName(1));
        assertEquals("(5, 4, 3, 2, 1)", s5.elementName(119));
        assertEquals("(1, 2, 4, 5, 3)", a5.elementName(1));
        assertEquals("(5, 4, 3, 2, 1)", a5.elementName(59));
        for (FiniteGroup g : List.of(s5, a5, Groups.parse("Z3_x_S3"), Groups.parse("A4_x_Z5"))) {
            int n = g.order();
            for (int a = 0; a < n; a++) {
                assertEquals(a, g.mul(0, a), g.name() + " identity");
                assertEquals(a, g.mul(a, 0), g.name() + " identity");
                boolean inverse = false;
                for (int b = 0; b < n; b++) {
                    inverse |= g.mul(a, b) == 0;
                    for (int c = 0; c < n; c += 7) {
                        assertEquals(g.mul(g.mul(a, b), c), g.mul(a, g.mul(b, c)), g.name() + " associativity");
                    }
                }
                assertTrue(inverse, g.name() + " inverse of " + a);
            }
        }
        // S3 is not abelian: the order of composition matters (b is applied first)
        PermutationGroup s3 = PermutationGroup.symmetric(3);
        assertTrue(s3.mul(1, 2) != s3.mul(2, 1));
    }

    @Test
    void filesRoundTripAndCheckCatchesAnotherConvention() throws IOException {
        FiniteGroup s3 = Groups.parse("S3");
        List<WordProblem> problems = WordProblemSampler.sample(s3, 8, 50, 666);
        Path file = tmp.resolve("S3=8.csv");
        WordProblemCsv.write(file, 666, problems);
        assertTrue(Files.readString(file).startsWith("seed,input,target\n666,2 5 2 3 4 3 4 0,2 4 1 5 1 5 1 1\n"));
        List<WordProblemCsv.Row> rows = WordProblemCsv.read(file, s3.order());
        assertEquals("50 sequences of S3, targets recomputed, the same set as seed 666 generates",
                WordProblemCheck.check(file.toString(), Groups.variant("S3"), rows, 666L));
        // targets composed the other way round (a applied first) are caught on the first row
        FiniteGroup flipped = new FiniteGroup() {
            public String name() {
                return "S3";
            }

            public int order() {
                return 6;
            }

            public int mul(int a, int b) {
                return s3.mul(b, a);
            }

            public String elementName(int i) {
                return s3.elementName(i);
            }
        };
        Path other = tmp.resolve("flipped.csv");
        WordProblemCsv.write(other, 666, WordProblemSampler.sample(flipped, 8, 50, 666));
        DeltaEvalException e = assertThrows(DeltaEvalException.class, () -> WordProblemCheck.check(other.toString(),
                Groups.variant("S3"), WordProblemCsv.read(other, 6), null));
        assertTrue(e.getMessage().startsWith(other + ": row 2, position "), e.getMessage());
        assertThrows(DeltaEvalException.class, () -> WordProblemCheck.check(file.toString(), Groups.variant("S3"), rows, 667L));
    }

    @Test
    void variantsDrawFromPartOfTheGroup() {
        Groups.Variant swaps = Groups.variant("S5_only_swaps");
        assertEquals(11, swaps.population().length, "the identity and the 10 transpositions of S5");
        assertEquals(31, Groups.variant("S5_limit_to_3").population().length, "1 + 10 + 20 permutations");
        assertEquals(120, Groups.variant("S5").population().length);
        for (WordProblem w : WordProblemSampler.sample(swaps, 30, 20, 3)) {
            for (int x : w.input()) {
                assertTrue(((PermutationGroup) swaps.group()).movedPoints(x) <= 2, "drawn from the swaps");
            }
            assertArrayEquals(WordProblem.of(swaps.group(), w.input()).target(), w.target());
        }
    }

    @Test
    void badNamesAndSizesAreOneLine() {
        assertEquals("group \"S3xZ2\": expected S<n>, A<n> or Z<n>, or a product of them joined by _x_ (e.g. S3, A5, "
                + "Z60, A4_x_Z5)", assertThrows(DeltaEvalException.class, () -> Groups.parse("S3xZ2")).getMessage());
        assertTrue(assertThrows(DeltaEvalException.class, () -> Groups.parse("S9")).getMessage()
                .contains("expected 1 to 7"));
        // at most N^k distinct sequences exist: asking for more gives all of them
        assertEquals(9, WordProblemSampler.sample(Groups.parse("Z3"), 2, 100, 1).size());
    }
}
