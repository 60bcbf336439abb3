package dev.twophase.metrics;

/** The database refused or lost a metric read or write. */
public class MetricStoreException extends RuntimeException {
    public MetricStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
