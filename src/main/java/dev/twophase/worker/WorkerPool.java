package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.RequestActivity;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.RunQueue;
import dev.twophase.training.TrainingEngineFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The in-process worker (roles {@code worker} and {@code all}): threads that claim runs of this
 * process's device class, train them, and go back for more. On shutdown (SIGTERM) each thread
 * finishes its step, checkpoints and releases its run within {@code twophase.worker.shutdown-grace}.
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
    CheckpointStore checkpoints;
    @Inject
    TrainingEngineFactory engines;
    @Inject
    MeterRegistry registry;
    @Inject
    ObjectMapper json;
    @Inject
    RequestActivity requests;

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    void start(@Observes StartupEvent event) {
        if (!config.role().runsWorker()) {
            return;
        }
        String host = ManagementFactory.getRuntimeMXBean().getName();
        for (int i = 0; i < config.worker().threads(); i++) {
            Worker worker = new Worker(host + "/" + i, queue, store, checkpoints, engines, config.worker(), config.queue(),
                    registry, json, requests::awaitQuiet);
            Thread t = new Thread(() -> worker.loop(stopping::get), "twophase-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        Log.infof("worker started: %d thread(s) claiming %s runs", threads.size(), config.worker().device());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping.set(true);
        long deadline = System.nanoTime() + config.worker().shutdownGrace().toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }
}
