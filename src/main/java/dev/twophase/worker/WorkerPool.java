package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.RunQueue;
import dev.twophase.training.TrainingEngineFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The in-process worker (roles {@code worker} and {@code all}): threads that claim runs of this
 * process's device class, train them, and go back for more.
 */
@ApplicationScoped
public class WorkerPool {

    @Inject
    TwophaseConfig config;
    @Inject
    RunQueue queue;
    @Inject
    MetricStore store;
    @Inject
    TrainingEngineFactory engines;
    @Inject
    MeterRegistry registry;
    @Inject
    ObjectMapper json;

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    void start(@Observes StartupEvent event) {
        if (!config.role().runsWorker()) {
            return;
        }
        String host = ManagementFactory.getRuntimeMXBean().getName();
        for (int i = 0; i < config.worker().threads(); i++) {
            String workerId = host + "/" + i;
            Thread t = new Thread(() -> loop(workerId), "twophase-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        Log.infof("worker started: %d thread(s) claiming %s runs", threads.size(), config.worker().device());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private void loop(String workerId) {
        RunExecutor executor = new RunExecutor(workerId, queue, store, engines, config.worker(), registry, json);
        Duration idle = config.worker().pollInterval();
        while (!stopping.get()) {
            try {
                Optional<ClaimedRun> claimed = queue.claim(workerId, config.worker().device(), config.worker().lease());
                if (claimed.isEmpty()) {
                    sleep(idle);
                    continue;
                }
                run(executor, claimed.get());
            } catch (RuntimeException e) {
                // The database may be away; keep the worker alive and try again.
                Log.warnf("worker %s: %s", workerId, e.getMessage());
                sleep(idle);
            }
        }
    }

    private void run(RunExecutor executor, ClaimedRun run) {
        Log.infof("run %s: attempt %d/%d claimed by %s", run.runId(), run.attempt(), run.maxAttempts(), run.workerId());
        String device = config.worker().device();
        registry.counter("twophase.runs.started", "device", device).increment();
        long startNanos = System.nanoTime();
        String outcome;
        try {
            outcome = executor.execute(run, stopping::get).name().toLowerCase();
        } catch (Exception e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            Log.errorf(e, "run %s: attempt %d failed", run.runId(), run.attempt());
            outcome = queue.fail(run, error, config.queue().retryBackoff()).map(s -> s == dev.twophase.queue.RunState.QUEUED ? "retried" : "failed")
                    .orElse("lease_lost");
        }
        registry.counter("twophase.runs.finished", "outcome", outcome, "device", device).increment();
        Timer.builder("twophase.run.duration").description("Wall time of one run attempt, claim to end")
                .tags("outcome", outcome, "device", device).register(registry)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        Log.infof("run %s: attempt %d ended: %s", run.runId(), run.attempt(), outcome);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
