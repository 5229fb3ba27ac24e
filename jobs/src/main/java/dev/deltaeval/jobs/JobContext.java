package dev.deltaeval.jobs;

import java.io.PrintStream;

/**
 * What a job may ask of whoever runs it. Progress and notes go to stderr (one {@link ProgressLine} per stage);
 * tables and summaries go to {@link #out()}: a command's stdout, or a plan unit's console.txt.
 */
public interface JobContext {
    PrintStream out();

    /** A setting as the user gave it, for hints printed along the way: the CLI says --cache-dir, a plan cache_dir. */
    default String setting(String key) {
        return key;
    }

    /** A context that prints to this process's stdout. */
    static JobContext console() {
        return () -> System.out;
    }

    /** As {@link #console()}, naming settings with {@code namer} (the CLI: its flags). */
    static JobContext console(java.util.function.UnaryOperator<String> namer) {
        return new JobContext() {
            @Override
            public PrintStream out() {
                return System.out;
            }

            @Override
            public String setting(String key) {
                return namer.apply(key);
            }
        };
    }
}
