package dev.deltaeval.reports;

/** Unusable report input (unreadable or mismatched results); the message is the one line a user sees. */
public final class ReportException extends dev.deltaeval.common.DeltaEvalException {
    public ReportException(String message) {
        super(message);
    }
}
