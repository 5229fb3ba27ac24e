package dev.deltaeval.tasks.text;

import java.util.regex.Pattern;

/** lm-eval's {@code wikitext_detokenizer}, step for step and in order (lm-eval.md §3.2). */
public final class WikitextDetokenizer {
    /** Python's {@code \s} on str: Java's Unicode white space plus the separators U+001C..U+001F. */
    private static final String WS = "[\\p{IsWhite_Space}\\x1c-\\x1f]";
    private static final Pattern[] BRACKETS = {
        Pattern.compile("\\(" + WS + "*([^\\)]*?)" + WS + "*\\)"),
        Pattern.compile("\\[" + WS + "*([^\\]]*?)" + WS + "*\\]"),
        Pattern.compile("\\{" + WS + "*([^}]*?)" + WS + "*\\}"),
        Pattern.compile("\"" + WS + "*([^\"]*?)" + WS + "*\""),
        Pattern.compile("'" + WS + "*([^']*?)" + WS + "*'"),
    };
    private static final String[] BRACKET_REPLACEMENTS = {"($1)", "[$1]", "{$1}", "\"$1\"", "'$1'"};
    private static final Pattern NUMBER_SLASH = Pattern.compile("/' [0-9]/");

    private WikitextDetokenizer() {
    }

    public static String detokenize(String s) {
        String x = s.replace("s '", "s'");
        x = NUMBER_SLASH.matcher(x).replaceAll("/'[0-9]/");
        x = x.replace(" @-@ ", "-").replace(" @,@ ", ",").replace(" @.@ ", ".");
        x = x.replace(" : ", ": ").replace(" ; ", "; ").replace(" . ", ". ").replace(" ! ", "! ").replace(" ? ", "? ")
                .replace(" , ", ", ");
        for (int i = 0; i < BRACKETS.length; i++) {
            x = BRACKETS[i].matcher(x).replaceAll(BRACKET_REPLACEMENTS[i]);
        }
        x = x.replace("= = = =", "====").replace("= = =", "===").replace("= =", "==");
        x = x.replace(" \u00b0 ", "\u00b0").replace(" \n", "\n").replace("\n ", "\n").replace(" N ", " 1 ")
                .replace(" 's", "'s");
        return x;
    }
}
