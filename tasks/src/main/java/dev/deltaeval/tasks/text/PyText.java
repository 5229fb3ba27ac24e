package dev.deltaeval.tasks.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python string semantics that lm-eval's prompts depend on, where Java's differ: Python's whitespace set (used by
 * {@code str.strip}, {@code str.split()} and {@code re}'s {@code \s}), {@code str.capitalize()}, {@code len()} in
 * code points, {@code str.split(' ')} keeping empty pieces.
 */
public final class PyText {
    private PyText() {
    }

    /** Python's {@code str.isspace()} for one code point (Java's isWhitespace excludes U+00A0, U+202F, ...). */
    public static boolean isSpace(int cp) {
        switch (cp) {
            case ' ': case '\t': case '\n': case 0x0B: case '\f': case '\r':
            case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x85: case 0xA0: case 0x1680:
            case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
                return true;
            default:
                return cp >= 0x2000 && cp <= 0x200A;
        }
    }

    /** {@code s.rstrip()}. */
    public static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** {@code s.lstrip()}. */
    public static String lstrip(String s) {
        int start = 0;
        while (start < s.length()) {
            int cp = s.codePointAt(start);
            if (!isSpace(cp)) {
                break;
            }
            start += Character.charCount(cp);
        }
        return s.substring(start);
    }

    /** {@code s.strip()}. */
    public static String strip(String s) {
        return lstrip(rstrip(s));
    }

    /** {@code s.capitalize()}: first character title-cased, the rest lower-cased. */
    public static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int n = Character.charCount(first);
        return new String(Character.toChars(Character.toTitleCase(first))) + s.substring(n).toLowerCase(Locale.ROOT);
    }

    /** {@code len(s)}: code points, not UTF-16 units. */
    public static int len(String s) {
        return s.codePointCount(0, s.length());
    }

    /** {@code s.split(' ')}: every single space splits, empty pieces kept at both ends. */
    public static List<String> splitOnSpace(String s) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = s.indexOf(' '); i >= 0; i = s.indexOf(' ', from)) {
            out.add(s.substring(from, i));
            from = i + 1;
        }
        out.add(s.substring(from));
        return out;
    }

    /** {@code len(re.split(r"\s+", s))}: maximal whitespace runs + 1 (empty ends count, as in Python). */
    public static int reSplitWhitespaceCount(String s) {
        int runs = 0;
        boolean inRun = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean space = isSpace(cp);
            if (space && !inRun) {
                runs++;
            }
            inRun = space;
            i += Character.charCount(cp);
        }
        return runs + 1;
    }
}
