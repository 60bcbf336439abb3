package dev.twophase.analysis;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.UUID;

/**
 * The one writer of {@code phase_event}: every interval it re-detects the running runs that have new
 * steps and, once, each finished run, and stores what their ledgers changed. Any role may run it; the
 * writes are idempotent. Readers get the detection in memory ({@link #current}).
 */
@ApplicationScoped
public class PhaseRefresher {

    /** Bounds one tick's work; the rest wait for the next tick. */
    static final int RUNS_PER_TICK = 20;

    private final PhaseService phases;
    private final PhaseEventStore store;

    @Inject
    PhaseRefresher(PhaseService phases, PhaseEventStore store) {
        this.phases = phases;
        this.store = store;
    }

    @Scheduled(every = "${twophase.phases.refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        for (UUID runId : store.due(RUNS_PER_TICK)) {
            try {
                refresh(runId);
            } catch (RuntimeException e) {
                Log.warnf("phase detection of run %s failed: %s", runId, e.getMessage());
            }
        }
    }

    /** Detects the run's phases now and stores what its ledger changed. */
    public Optional<PhaseService.Detection> refresh(UUID runId) {
        Optional<PhaseService.Detection> detection = phases.detect(runId);
        detection.ifPresent(this::store);
        return detection;
    }

    /** What a reader sees: the detection over the points present now, computed in memory; nothing is stored. */
    public Optional<PhaseService.Detection> current(UUID runId) {
        return phases.detect(runId);
    }

    private void store(PhaseService.Detection d) {
        if (d.toStore() != null) {
            store.store(d.run().id(), d.toStore(), d.run().step(), d.isFinal());
        }
    }
}
