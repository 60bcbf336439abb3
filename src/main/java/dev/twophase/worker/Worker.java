package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.RunQueue;
import dev.twophase.training.TrainingEngineFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * One worker thread's loop: claim a run of this worker's device class, train it, go back for more,
 * until {@code stopping}. Plain Java (no CDI) so the fault tests can run it in a child JVM they kill.
 */
public final class Worker {

    private static final Logger LOG = Logger.getLogger(Worker.class);

    private final String workerId;
    private final RunQueue queue;
    private final TwophaseConfig.Worker config;
    private final MeterRegistry registry;
    private final Retry retry;
    private final RunExecutor executor;

    public Worker(String workerId, RunQueue queue, MetricStore store, CheckpointStore checkpoints,
                  TrainingEngineFactory engines, TwophaseConfig.Worker config, TwophaseConfig.Queue queueConfig,
                  MeterRegistry registry, ObjectMapper json) {
        this(workerId, queue, store, checkpoints, engines, config, queueConfig, registry, json, maxWait -> {
        });
    }

    /**
     * @param yieldToRequests called before every training step with the longest it may wait for the API
     *                        requests of the moment (role {@code all}: they share the cores)
     */
    public Worker(String workerId, RunQueue queue, MetricStore store, CheckpointStore checkpoints,
                  TrainingEngineFactory engines, TwophaseConfig.Worker config, TwophaseConfig.Queue queueConfig,
                  MeterRegistry registry, ObjectMapper json, LongConsumer yieldToRequests) {
        this.workerId = workerId;
        this.queue = queue;
        this.config = config;
        this.registry = registry;
        this.retry = new Retry(config.maxRetryDelay());
        this.executor = new RunExecutor(workerId, new WorkerServices(queue, store, checkpoints, engines, config, json, retry,
                yieldToRequests),
                queueConfig.retryBackoff(), registry);
    }

    /** Claims and runs until {@code stopping}; the database may be away, so a failed round is retried, less often each time. */
    public void loop(BooleanSupplier stopping) {
        retry.repeat("worker " + workerId, () -> {
            Optional<ClaimedRun> claimed = queue.claim(workerId, config.device(), config.lease());
            if (claimed.isEmpty()) {
                Retry.pause(config.pollInterval().toNanos());
            } else {
                run(claimed.get(), stopping);
            }
        }, stopping);
    }

    private void run(ClaimedRun run, BooleanSupplier stopping) {
        LOG.infof("run %s: attempt %d/%d claimed by %s", run.runId(), run.attempt(), run.maxAttempts(), run.workerId());
        registry.counter("twophase.runs.started", "device", config.device()).increment();
        long startNanos = System.nanoTime();
        String outcome = executor.execute(run, stopping).name().toLowerCase(Locale.ROOT);
        registry.counter("twophase.runs.finished", "outcome", outcome, "device", config.device()).increment();
        Timer.builder("twophase.run.duration").description("Wall time of one run attempt, claim to end")
                .tags("outcome", outcome, "device", config.device()).register(registry)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        LOG.infof("run %s: attempt %d ended: %s", run.runId(), run.attempt(), outcome);
    }
}
