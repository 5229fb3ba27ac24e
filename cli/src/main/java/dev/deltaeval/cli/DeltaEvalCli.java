package dev.deltaeval.cli;

import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.JobContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code deltaeval} command: wires modules together; no logic a test of another module would need. */
@Command(name = "deltaeval", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Evaluation harness and benchmarks for DeltaNet-family linear RNN language models "
            + "(DeltaNet, Gated DeltaNet, DeltaProduct) trained with flash-linear-attention.", ""},
        subcommands = {EvalCommand.class, InspectCommand.class, ScoreCommand.class, ForwardCommand.class, GenerateCommand.class,
            ExtrapolateCommand.class, RankCommand.class, StateTrackingCommand.class, ReportCommand.class, CompareCommand.class,
            RunCommand.class, PlanCommand.class, MergeCommand.class, FetchCommand.class, DataCommand.class, CheckpointsCommand.class, InitCommand.class, BenchCommand.class, GpuCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "A checkpoint is a Hugging Face directory: config.json, model.safetensors (or shards) and",
            "tokenizer.json. The bundled default is checkpoints/demo-dp2-6m.",
            "Run 'deltaeval help COMMAND' for a command's options."})
public final class DeltaEvalCli extends GroupCommand {
    /** Exit code for bad input (files, arguments) as opposed to a failed check. */
    public static final int EXIT_BAD_INPUT = DeltaEvalException.EXIT_BAD_INPUT;
    /** A bug (sysexits' EX_SOFTWARE). */
    public static final int EXIT_INTERNAL = 70;
    private static final String TRACE_ENV = "DELTAEVAL_TRACE";

    public static void main(String[] args) {
        // the launcher's logging defaults, for a plain java -jar too: DJL's INFO lines and CudaUtils' warning on
        // machines with a CUDA runtime but no usable driver would otherwise precede every command's output
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils",
                System.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error"));
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; errors become one line on stderr. */
    public static int execute(String... args) {
        return execute(null, args);
    }

    /**
     * As {@link #execute(String...)}; the error line, if any, also goes to {@code errors} (a run plan keeps it in
     * the unit's {@code .failed} record).
     */
    static int execute(java.io.StringWriter errors, String... args) {
        dev.deltaeval.runtime.engine.LibtorchInstaller.applyDjlDefaults();
        CommandLine cl = new CommandLine(new DeltaEvalCli());
        if (errors != null) {
            java.io.PrintStream stderr = System.err;
            cl.setErr(new java.io.PrintWriter(new java.io.Writer() {
                @Override
                public void write(char[] buf, int off, int len) {
                    errors.write(buf, off, len);
                    stderr.print(new String(buf, off, len));
                }

                @Override
                public void flush() {
                    stderr.flush();
                }

                @Override
                public void close() {
                    flush();
                }
            }, true));
        }
        // a mistyped option is one line and where to read more, not the command's whole usage
        cl.setParameterExceptionHandler((ex, argv) -> {
            CommandLine cmd = ex.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName(" ");
            String hint = ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
                    ? "; did you mean " + String.join(" or ", u.getSuggestions()) + "?" : "";
            cmd.getErr().println("deltaeval: error: " + ex.getMessage().split("\n")[0] + hint + " (see '" + name
                    + " --help')");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            Throwable e = ex instanceof UncheckedIOException u ? u.getCause() : ex;
            if (e instanceof DeltaEvalException d) {
                line.getErr().println("deltaeval: error: " + oneLine(d.render(DeltaEvalCli::flag), d));
                return d.exitCode();
            }
            if (e instanceof IOException || e instanceof IllegalArgumentException) {
                line.getErr().println("deltaeval: error: " + oneLine(e.getMessage(), e));
                return EXIT_BAD_INPUT;
            }
            return internalError(e, line.getErr(), "1".equals(System.getenv(TRACE_ENV)));
        });
        try {
            return cl.execute(args);
        } catch (Error e) { // picocli passes errors through: a missing class or module, the heap run out
            return internalError(e, cl.getErr(), "1".equals(System.getenv(TRACE_ENV)));
        }
    }

    /**
     * What nothing below the CLI handled (a bug, a broken Java runtime, an exhausted heap): one line on {@code err},
     * the stack trace only when {@code trace}; returns {@link #EXIT_INTERNAL}.
     */
    static int internalError(Throwable e, java.io.PrintWriter err, boolean trace) {
        if (e instanceof OutOfMemoryError) {
            err.println("deltaeval: error: the Java heap ran out of memory (" + e.getMessage() + "): give the JVM more "
                    + "(JAVA_OPTS=-Xmx...) or run a smaller batch");
        } else {
            err.println("deltaeval: internal error: " + oneLine(String.valueOf(e), e) + " (a bug or an incomplete "
                    + "Java runtime; please report this line; " + TRACE_ENV + "=1 prints the stack trace)");
        }
        if (trace) {
            e.printStackTrace(err);
        }
        return EXIT_INTERNAL;
    }

    /** How jobs started from the command line print: tables on stdout, settings named by their flags. */
    static JobContext jobContext() {
        return JobContext.console(DeltaEvalCli::flag);
    }

    /** A setting as the command line names it: batch_size is --batch-size. */
    static String flag(String setting) {
        return "--" + setting.replace('_', '-');
    }

    private static String oneLine(String message, Throwable e) {
        String m = message == null ? e.getClass().getSimpleName() : message;
        if (e instanceof java.nio.file.NoSuchFileException) {
            m = m + ": file not found";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            m = m + ": permission denied";
        } else if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                && fse.getFile() != null && !m.contains(fse.getReason())) {
            m = fse.getFile() + ": " + fse.getReason();
        }
        return m.split("\n")[0];
    }
}
