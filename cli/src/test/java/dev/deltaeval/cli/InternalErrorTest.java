package dev.deltaeval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What nothing below the CLI handled is one line, never a stack trace unless asked for. */
class InternalErrorTest {
    private static String report(Throwable e, boolean trace) {
        StringWriter out = new StringWriter();
        assertEquals(DeltaEvalCli.EXIT_INTERNAL, DeltaEvalCli.internalError(e, new PrintWriter(out, true), trace));
        return out.toString();
    }

    @Test
    void aBugOrAMissingClassIsOneLine() {
        String bug = report(new IllegalStateException("two lines\nof message"), false);
        assertTrue(bug.startsWith("deltaeval: internal error: java.lang.IllegalStateException: two lines"), bug);
        assertEquals(1, bug.lines().count(), bug);
        String missing = report(new NoClassDefFoundError("java/awt/Shape"), false);
        assertTrue(missing.contains("NoClassDefFoundError: java/awt/Shape") && missing.contains("DELTAEVAL_TRACE=1"),
                missing);
        assertEquals(1, missing.lines().count(), missing);
    }

    @Test
    void anExhaustedHeapSaysWhatToDoAndTheTraceComesOnlyWhenAsked() {
        String oom = report(new OutOfMemoryError("Java heap space"), false);
        assertEquals("deltaeval: error: the Java heap ran out of memory (Java heap space): give the JVM more "
                + "(JAVA_OPTS=-Xmx...) or run a smaller batch", oom.strip());
        assertTrue(report(new IllegalStateException("x"), true).lines().count() > 1, "the trace when asked");
    }

    @Test
    void gpuCheckOnACpuSaysWhyInOneLineAndExitsOne() {
        CliTest.Run r = CliTest.run("gpu", "check", "--device", "cpu");
        assertEquals(1, r.exit(), r.err());
        assertEquals("native kernels: not available: needs a CUDA device", r.out().strip());
    }
}
