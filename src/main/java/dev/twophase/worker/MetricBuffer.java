package dev.twophase.worker;

import dev.twophase.metrics.MetricPoint;
import dev.twophase.metrics.MetricStore;
import dev.twophase.metrics.MetricStoreException;
import dev.twophase.queue.ClaimedRun;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Collects a run's points and writes them in batches: when enough have piled up or enough time
 * has passed, never row by row. Writes are fenced by the run's lease. A failed write (database
 * away) keeps every point and is retried after a growing delay while training goes on; the writes
 * are idempotent, so a retry of a write that did land duplicates nothing.
 */
final class MetricBuffer {

    private static final Logger LOG = Logger.getLogger(MetricBuffer.class);

    private final MetricStore store;
    private final ClaimedRun run;
    private final int maxPoints;
    private final long flushIntervalNanos;
    private final Backoff backoff;
    private final List<MetricPoint> pending = new ArrayList<>();
    private long lastFlush = System.nanoTime();

    MetricBuffer(MetricStore store, ClaimedRun run, int maxPoints, long flushIntervalNanos, Backoff backoff) {
        this.store = store;
        this.run = run;
        this.maxPoints = maxPoints;
        this.flushIntervalNanos = flushIntervalNanos;
        this.backoff = backoff;
    }

    void add(String name, int layer, long step, double value) {
        pending.add(new MetricPoint(name, layer, step, value));
    }

    int pending() {
        return pending.size();
    }

    /** Writes when due; a database failure is logged and retried later. */
    void flushIfDue() throws LeaseLostException {
        long now = System.nanoTime();
        if (!backoff.ready(now)) {
            return;
        }
        if (backoff.failing() || pending.size() >= maxPoints || now - lastFlush >= flushIntervalNanos) {
            tryFlush();
        }
    }

    /** Writes now; false (points kept) when the database is unreachable. */
    boolean tryFlush() throws LeaseLostException {
        try {
            flush();
            return true;
        } catch (MetricStoreException e) {
            long delay = backoff.failed(System.nanoTime());
            LOG.warnf("run %s: %d metric points kept, writing them failed (retry in %d ms): %s", run.runId(),
                    pending.size(), delay / 1_000_000, e.getMessage());
            return false;
        }
    }

    /** Writes now; throws when the database is unreachable (points kept) or the lease is gone. */
    void flush() throws LeaseLostException {
        lastFlush = System.nanoTime();
        if (pending.isEmpty()) {
            return;
        }
        if (!store.writeFenced(run.runId(), run.workerId(), run.attempt(), pending)) {
            throw new LeaseLostException();
        }
        backoff.succeeded();
        pending.clear();
    }
}
