package dev.twophase.analysis;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/**
 * Keeps the stored phase events current without anyone asking: every interval it re-detects the
 * running runs that have new steps and, once, each finished run. Any role may run it; the writes
 * are idempotent.
 */
@ApplicationScoped
public class PhaseRefresher {

    /** Bounds one tick's work; the rest wait for the next tick. */
    static final int RUNS_PER_TICK = 20;

    @Inject
    PhaseService phases;
    @Inject
    PhaseEventStore store;

    @Scheduled(every = "${twophase.phases.refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        for (UUID runId : store.due(RUNS_PER_TICK)) {
            try {
                phases.refresh(runId);
            } catch (RuntimeException e) {
                Log.warnf("phase detection of run %s failed: %s", runId, e.getMessage());
            }
        }
    }
}
