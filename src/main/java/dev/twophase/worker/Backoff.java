package dev.twophase.worker;

/** Exponential retry delay for one kind of database call: 250 ms doubling up to a cap, reset on success. */
final class Backoff {

    private static final long FIRST_NANOS = 250_000_000L;

    private final long maxNanos;
    private long delayNanos;
    private long retryAt;

    Backoff(long maxNanos) {
        this.maxNanos = Math.max(FIRST_NANOS, maxNanos);
    }

    boolean failing() {
        return delayNanos > 0;
    }

    boolean ready(long now) {
        return delayNanos == 0 || now - retryAt >= 0;
    }

    /** Records a failure at {@code now}; returns the delay before the next try. */
    long failed(long now) {
        delayNanos = delayNanos == 0 ? FIRST_NANOS : Math.min(maxNanos, delayNanos * 2);
        retryAt = now + delayNanos;
        return delayNanos;
    }

    void succeeded() {
        delayNanos = 0;
    }
}
