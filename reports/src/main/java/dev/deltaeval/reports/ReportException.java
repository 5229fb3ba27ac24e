package dev.deltaeval.reports;

/** Unusable report input (unreadable or mismatched results); the message is the one line a user sees. */
public final class ReportException extends RuntimeException {
    public ReportException(String message) {
        super(message);
    }
}
