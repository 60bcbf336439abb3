package dev.twophase.worker;

import dev.twophase.metrics.MetricStoreException;
import dev.twophase.queue.QueueException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The one retry loop of a worker: tries again after a growing delay ({@link Backoff}) while the
 * database is away, and gives up only when the caller says so (a stopping worker's deadline).
 */
final class Retry {

    private static final Logger LOG = Logger.getLogger(Retry.class);

    /** One try: a result, or null for "not yet" (tried again like a failure). */
    @FunctionalInterface
    interface Try<T> {
        T get() throws LeaseLostException;
    }

    /** One round of a loop that runs until the worker stops. */
    @FunctionalInterface
    interface Round {
        void run();
    }

    private final long maxDelayNanos;

    Retry(Duration maxDelay) {
        this.maxDelayNanos = maxDelay.toNanos();
    }

    /**
     * Tries until {@code attempt} gives a result; a database failure or a null result is tried again
     * until {@code giveUp} says so, which throws naming {@code what}.
     */
    <T> T until(String what, Try<T> attempt, BooleanSupplier giveUp)
            throws LeaseLostException, DatabaseUnavailableException {
        Backoff backoff = new Backoff(maxDelayNanos);
        while (true) {
            String failure = null;
            try {
                T result = attempt.get();
                if (result != null) {
                    return result;
                }
            } catch (QueueException | MetricStoreException e) {
                failure = e.getMessage();
            }
            if (giveUp.getAsBoolean()) {
                throw new DatabaseUnavailableException(failure == null ? what : what + ": " + failure);
            }
            long delay = backoff.failed(System.nanoTime());
            if (failure != null) {
                LOG.warnf("%s failed, retrying in %d ms: %s", what, delay / 1_000_000, failure);
            }
            pause(delay);
        }
    }

    /**
     * Runs {@code round} until {@code stopping}; a round that throws (the database may be away) is
     * logged and the next one waits, longer after each failure in a row.
     */
    void repeat(String who, Round round, BooleanSupplier stopping) {
        Backoff backoff = new Backoff(maxDelayNanos);
        while (!stopping.getAsBoolean()) {
            try {
                round.run();
                backoff.succeeded();
            } catch (RuntimeException e) {
                long delay = backoff.failed(System.nanoTime());
                LOG.warnf("%s: %s (retry in %d ms)", who, e.getMessage(), delay / 1_000_000);
                pause(delay);
            }
        }
    }

    static void pause(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
