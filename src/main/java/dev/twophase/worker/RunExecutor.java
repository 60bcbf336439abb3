package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.spec.ExperimentSpec;
import dev.twophase.measure.BinningMutualInformation;
import dev.twophase.metrics.MetricNames;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.Heartbeat;
import dev.twophase.queue.RunQueue;
import dev.twophase.queue.RunState;
import dev.twophase.training.Evaluation;
import dev.twophase.training.Split;
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
        var mi = BinningMutualInformation.layerRange(spec.measures().mutualInformation().bins());
        MetricBuffer buffer = new MetricBuffer(store, run.runId(), config.flushPoints(), config.flushInterval().toNanos());
        Counter steps = registry.counter("twophase.training.steps", "device", config.device());
        Timer measurePass = registry.timer("twophase.measure.pass", "device", config.device());
        Timer stepTime = registry.timer("twophase.training.step", "worker", workerId, "device", config.device());

        try (TrainingEngine engine = engines.create(SpecMapping.toSetup(spec))) {
            measurePass.record(() -> measure(engine, 0, null, mi, buffer));
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
                    measurePass.record(() -> measure(engine, s, lr, mi, buffer));
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

    /** Full-split evaluation, weight norm, learning rate (null before the first step) and I(T;X), I(T;Y) per block. */
    private static void measure(TrainingEngine engine, long step, Double lr, BinningMutualInformation mi,
                                MetricBuffer buffer) {
        Evaluation e = engine.evaluate();
        int whole = MetricNames.WHOLE_MODEL;
        buffer.add(MetricNames.TRAIN_LOSS, whole, step, e.trainLoss());
        buffer.add(MetricNames.TRAIN_ACC, whole, step, e.trainAccuracy());
        buffer.add(MetricNames.TEST_LOSS, whole, step, e.testLoss());
        buffer.add(MetricNames.TEST_ACC, whole, step, e.testAccuracy());
        buffer.add(MetricNames.WEIGHT_NORM, whole, step, engine.weightNorm());
        if (lr != null) {
            buffer.add(MetricNames.LEARNING_RATE, whole, step, lr);
        }
        float[][][] residuals = engine.lastPositionResiduals(Split.TRAIN);
        int[] labels = engine.labels(Split.TRAIN);
        for (int block = 0; block < residuals.length; block++) {
            var estimate = mi.estimate(residuals[block], labels);
            buffer.add(MetricNames.MI_TX, block + 1, step, estimate.itx());
            buffer.add(MetricNames.MI_TY, block + 1, step, estimate.ity());
        }
    }
}
