package dev.twophase.worker;

import dev.twophase.metrics.MetricPoint;
import dev.twophase.metrics.MetricStore;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Collects a run's points and writes them in batches: when enough have piled up or enough time
 * has passed, never row by row. Points stay buffered when a write fails and go with the next.
 */
final class MetricBuffer {

    private final MetricStore store;
    private final UUID runId;
    private final int maxPoints;
    private final long flushIntervalNanos;
    private final List<MetricPoint> pending = new ArrayList<>();
    private long lastFlush = System.nanoTime();

    MetricBuffer(MetricStore store, UUID runId, int maxPoints, long flushIntervalNanos) {
        this.store = store;
        this.runId = runId;
        this.maxPoints = maxPoints;
        this.flushIntervalNanos = flushIntervalNanos;
    }

    void add(String name, int layer, long step, double value) {
        pending.add(new MetricPoint(name, layer, step, value));
    }

    void flushIfDue() {
        if (pending.size() >= maxPoints || System.nanoTime() - lastFlush >= flushIntervalNanos) {
            flush();
        }
    }

    void flush() {
        lastFlush = System.nanoTime();
        if (pending.isEmpty()) {
            return;
        }
        store.write(runId, pending);
        pending.clear();
    }
}
