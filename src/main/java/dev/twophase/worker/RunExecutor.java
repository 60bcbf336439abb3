package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.spec.ExperimentSpec;
import dev.twophase.metrics.MetricNames;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.Heartbeat;
import dev.twophase.queue.RunQueue;
import dev.twophase.queue.RunState;
import dev.twophase.training.StepResult;
import dev.twophase.training.TrainingEngine;
import dev.twophase.training.TrainingEngineFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Trains one claimed run: step, measure every {@code measures.every} steps (and at step 0),
 * write metrics in batches, heartbeat the lease, and stop on cancel, lease loss or shutdown.
 */
final class RunExecutor {

    /** How an execution ended, from the worker's point of view. */
    enum Ending { SUCCEEDED, CANCELLED, LEASE_LOST, SHUTDOWN }

    private final RunQueue queue;
    private final MetricStore store;
    private final TrainingEngineFactory engines;
    private final TwophaseConfig.Worker config;
    private final MeterRegistry registry;
    private final ObjectMapper json;
    private final String workerId;
    /** Steps per second over the last heartbeat interval; 0 while idle. Backs a gauge. */
    private final AtomicReference<Double> speed = new AtomicReference<>(0.0);

    RunExecutor(String workerId, RunQueue queue, MetricStore store, TrainingEngineFactory engines, TwophaseConfig.Worker config,
                MeterRegistry registry, ObjectMapper json) {
        this.queue = queue;
        this.store = store;
        this.engines = engines;
        this.config = config;
        this.registry = registry;
        this.json = json;
        this.workerId = workerId;
        Gauge.builder("twophase.training.steps.per.second", speed, AtomicReference::get)
                .description("Training speed of this worker thread over its last heartbeat interval")
                .tags("worker", workerId, "device", config.device()).register(registry);
    }

    Ending execute(ClaimedRun run, BooleanSupplier stopping) throws Exception {
        try {
            return train(run, stopping);
        } finally {
            speed.set(0.0);
        }
    }

    private Ending train(ClaimedRun run, BooleanSupplier stopping) throws Exception {
        ExperimentSpec spec = json.readValue(run.specJson(), ExperimentSpec.class);
        // No checkpoints yet: every attempt (a retry, or a run released by a stopping worker)
        // starts from step 0, so what an earlier attempt wrote goes, or its later steps would linger.
        store.deleteRun(run.runId());
        long totalSteps = spec.training().steps();
        int every = spec.measures().every();
        MeasurementPass pass = new MeasurementPass(spec.measures(), spec.training().seed());
        MetricBuffer buffer = new MetricBuffer(store, run.runId(), config.flushPoints(), config.flushInterval().toNanos());
        Counter steps = registry.counter("twophase.training.steps", "device", config.device());
        Timer measurePass = registry.timer("twophase.measure.pass", "device", config.device());
        Timer stepTime = registry.timer("twophase.training.step", "worker", workerId, "device", config.device());

        try (TrainingEngine engine = engines.create(SpecMapping.toSetup(spec))) {
            measurePass.record(() -> pass.measure(engine, 0, null, buffer));
            buffer.flush();
            long heartbeatNanos = config.heartbeatInterval().toNanos();
            long lastBeat = System.nanoTime();
            long stepsAtLastBeat = 0;
            for (long step = 1; step <= totalSteps; step++) {
                long stepStart = System.nanoTime();
                StepResult result = engine.trainStep();
                stepTime.record(System.nanoTime() - stepStart, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (!Double.isFinite(result.loss())) {
                    throw new IllegalStateException("training diverged: loss is " + result.loss() + " at step " + step);
                }
                steps.increment();
                buffer.add(MetricNames.TRAIN_BATCH_LOSS, MetricNames.WHOLE_MODEL, step, result.loss());
                buffer.add(MetricNames.TRAIN_BATCH_ACC, MetricNames.WHOLE_MODEL, step, result.accuracy());
                if (step % every == 0 || step == totalSteps) {
                    Double lr = result.learningRate();
                    long s = step;
                    measurePass.record(() -> pass.measure(engine, s, lr, buffer));
                }
                buffer.flushIfDue();
                long now = System.nanoTime();
                if (now - lastBeat >= heartbeatNanos || step == totalSteps) {
                    double stepsPerSecond = (step - stepsAtLastBeat) / ((now - lastBeat) / 1e9);
                    speed.set(stepsPerSecond);
                    Heartbeat beat = queue.heartbeat(run, step, stepsPerSecond, config.lease());
                    lastBeat = now;
                    stepsAtLastBeat = step;
                    if (beat == Heartbeat.LEASE_LOST) {
                        Log.warnf("run %s: lease lost at step %d; stopping without further writes", run.runId(), step);
                        return Ending.LEASE_LOST;
                    }
                    if (beat == Heartbeat.CANCEL_REQUESTED) {
                        buffer.flush();
                        queue.finish(run, RunState.CANCELLED, step, "cancelled by request at step " + step);
                        return Ending.CANCELLED;
                    }
                }
                if (stopping.getAsBoolean()) {
                    buffer.flush();
                    queue.release(run, step);
                    return Ending.SHUTDOWN;
                }
            }
            buffer.flush();
            return queue.finish(run, RunState.SUCCEEDED, totalSteps, null) ? Ending.SUCCEEDED : Ending.LEASE_LOST;
        }
    }
}
