package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.RunQueue;
import dev.twophase.queue.RunState;
import dev.twophase.training.TrainingEngineFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One worker thread's loop: claim a run of this worker's device class, train it, go back for more,
 * until {@code stopping}. Plain Java (no CDI) so the fault tests can run it in a child JVM they kill.
 */
public final class Worker {

    private static final Logger LOG = Logger.getLogger(Worker.class);

    private final String workerId;
    private final RunQueue queue;
    private final TwophaseConfig.Worker config;
    private final TwophaseConfig.Queue queueConfig;
    private final MeterRegistry registry;
    private final RunExecutor executor;

    public Worker(String workerId, RunQueue queue, MetricStore store, CheckpointStore checkpoints,
                  TrainingEngineFactory engines, TwophaseConfig.Worker config, TwophaseConfig.Queue queueConfig,
                  MeterRegistry registry, ObjectMapper json) {
        this.workerId = workerId;
        this.queue = queue;
        this.config = config;
        this.queueConfig = queueConfig;
        this.registry = registry;
        this.executor = new RunExecutor(workerId, queue, store, checkpoints, engines, config, registry, json);
    }

    public void loop(BooleanSupplier stopping) {
        Backoff backoff = new Backoff(config.maxRetryDelay().toNanos());
        while (!stopping.getAsBoolean()) {
            try {
                Optional<ClaimedRun> claimed = queue.claim(workerId, config.device(), config.lease());
                backoff.succeeded();
                if (claimed.isEmpty()) {
                    RunExecutor.pause(config.pollInterval().toNanos());
                    continue;
                }
                run(claimed.get(), stopping);
            } catch (RuntimeException e) {
                // The database may be away; keep the worker alive and try again, less often each time.
                long delay = backoff.failed(System.nanoTime());
                LOG.warnf("worker %s: %s (retry in %d ms)", workerId, e.getMessage(), delay / 1_000_000);
                RunExecutor.pause(delay);
            }
        }
    }

    private void run(ClaimedRun run, BooleanSupplier stopping) {
        LOG.infof("run %s: attempt %d/%d claimed by %s", run.runId(), run.attempt(), run.maxAttempts(), run.workerId());
        registry.counter("twophase.runs.started", "device", config.device()).increment();
        long startNanos = System.nanoTime();
        String outcome;
        try {
            outcome = executor.execute(run, stopping).name().toLowerCase(Locale.ROOT);
        } catch (Exception e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.errorf(e, "run %s: attempt %d failed", run.runId(), run.attempt());
            outcome = queue.fail(run, error, queueConfig.retryBackoff())
                    .map(s -> switch (s) {
                        case QUEUED -> "retried";
                        case CANCELLED -> "cancelled";
                        default -> "failed";
                    }).orElse("lease_lost");
        }
        registry.counter("twophase.runs.finished", "outcome", outcome, "device", config.device()).increment();
        io.micrometer.core.instrument.Timer.builder("twophase.run.duration").description("Wall time of one run attempt, claim to end")
                .tags("outcome", outcome, "device", config.device()).register(registry)
                .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        LOG.infof("run %s: attempt %d ended: %s", run.runId(), run.attempt(), outcome);
    }
}
