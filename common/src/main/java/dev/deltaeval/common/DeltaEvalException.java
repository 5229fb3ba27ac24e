package dev.deltaeval.common;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one base of DeltaEval's errors: a one-line message for the user and the exit code the command line ends
 * with. Messages name user settings by marker ({@link #setting}), never by a command-line flag: the CLI writes each
 * marker as its flag ({@code --batch-size}), anything else as the setting's name in a plan file
 * ({@code batch_size}), so that modules below the CLI need not know how a setting was given.
 */
public class DeltaEvalException extends RuntimeException {
    /** Bad input (files, arguments, settings), as opposed to a failed check. */
    public static final int EXIT_BAD_INPUT = 2;
    private static final long serialVersionUID = 1L;
    private static final Pattern MARKER = Pattern.compile("\\{@([a-z][a-z0-9_]*)}");

    private final int exitCode;

    public DeltaEvalException(String message) {
        this(message, null, EXIT_BAD_INPUT);
    }

    public DeltaEvalException(String message, Throwable cause) {
        this(message, cause, EXIT_BAD_INPUT);
    }

    protected DeltaEvalException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit code this error should end a command with. */
    public int exitCode() {
        return exitCode;
    }

    /** A setting as a message names it: {@code setting("batch_size")} (snake case, as in a plan file). */
    public static String setting(String key) {
        return "{@" + key + "}";
    }

    /** The message with every setting marker written by {@code namer} (the CLI passes its flag names). */
    public String render(UnaryOperator<String> namer) {
        String raw = super.getMessage();
        if (raw == null) {
            return getClass().getSimpleName();
        }
        Matcher m = MARKER.matcher(raw);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(namer.apply(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The message with settings named as a plan file names them. */
    @Override
    public String getMessage() {
        return render(key -> key);
    }
}
