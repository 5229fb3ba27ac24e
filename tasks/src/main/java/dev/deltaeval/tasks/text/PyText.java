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

    /**
     * {@code s.capitalize()}: the first code point in Unicode's full title case (which may be several characters:
     * 'ß' becomes "Ss", 'ﬁ' becomes "Fi"), the rest in full lower case, with the final-sigma rule seeing the whole
     * string as Python's does.
     */
    public static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int n = Character.charCount(first);
        // lower-case the whole string so that a final sigma right after the first letter is recognised; the first
        // code point's own lower case never depends on context, so its length says where the rest begins
        String lower = s.toLowerCase(Locale.ROOT);
        String rest = lower.substring(s.substring(0, n).toLowerCase(Locale.ROOT).length());
        return titleCase(first) + rest;
    }

    /**
     * Unicode's full title case of one code point: SpecialCasing.txt's multi-character mappings (Java's
     * {@link Character#toTitleCase(int)} knows only the single-character ones), else the simple mapping.
     */
    static String titleCase(int cp) {
        String full = FULL_TITLE_CASE.get(cp);
        return full != null ? full : new String(Character.toChars(Character.toTitleCase(cp)));
    }

    /** SpecialCasing.txt (Unicode 14): every code point whose title case is more than one code point. */
    private static final java.util.Map<Integer, String> FULL_TITLE_CASE = parseCasing(
            "00DF:0053+0073 0149:02BC+004E 01F0:004A+030C 0390:0399+0308+0301 03B0:03A5+0308+0301 0587:0535+0582 "
            + "1E96:0048+0331 1E97:0054+0308 1E98:0057+030A 1E99:0059+030A 1E9A:0041+02BE 1F50:03A5+0313 "
            + "1F52:03A5+0313+0300 1F54:03A5+0313+0301 1F56:03A5+0313+0342 1FB2:1FBA+0345 1FB4:0386+0345 "
            + "1FB6:0391+0342 1FB7:0391+0342+0345 1FC2:1FCA+0345 1FC4:0389+0345 1FC6:0397+0342 "
            + "1FC7:0397+0342+0345 1FD2:0399+0308+0300 1FD3:0399+0308+0301 1FD6:0399+0342 1FD7:0399+0308+0342 "
            + "1FE2:03A5+0308+0300 1FE3:03A5+0308+0301 1FE4:03A1+0313 1FE6:03A5+0342 1FE7:03A5+0308+0342 "
            + "1FF2:1FFA+0345 1FF4:038F+0345 1FF6:03A9+0342 1FF7:03A9+0342+0345 FB00:0046+0066 FB01:0046+0069 "
            + "FB02:0046+006C FB03:0046+0066+0069 FB04:0046+0066+006C FB05:0053+0074 FB06:0053+0074 "
            + "FB13:0544+0576 FB14:0544+0565 FB15:0544+056B FB16:054E+0576 FB17:0544+056D");

    private static java.util.Map<Integer, String> parseCasing(String table) {
        java.util.Map<Integer, String> m = new java.util.HashMap<>();
        for (String entry : table.split(" ")) {
            String[] kv = entry.split(":");
            StringBuilder sb = new StringBuilder();
            for (String hex : kv[1].split("\\+")) {
                sb.appendCodePoint(Integer.parseInt(hex, 16));
            }
            m.put(Integer.parseInt(kv[0], 16), sb.toString());
        }
        return java.util.Map.copyOf(m);
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
