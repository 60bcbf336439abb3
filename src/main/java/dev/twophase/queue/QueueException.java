package dev.twophase.queue;

/** The database refused or lost a queue operation; the caller decides whether to retry. */
public class QueueException extends RuntimeException {
    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
