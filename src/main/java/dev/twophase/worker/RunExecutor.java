package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.spec.ExperimentSpec;
import dev.twophase.metrics.MetricNames;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.metrics.MetricStoreException;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.QueueException;
import dev.twophase.queue.Heartbeat;
import dev.twophase.queue.RunQueue;
import dev.twophase.queue.RunState;
import dev.twophase.training.Evaluation;
import dev.twophase.training.StepResult;
import dev.twophase.training.TrainingEngine;
import dev.twophase.training.TrainingEngineFactory;
import dev.twophase.training.TrainingSetup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Trains one claimed run: resume from its checkpoint, step, measure every {@code measures.every}
 * steps (and at step 0), write metrics in batches, checkpoint every {@code checkpoint-every} steps,
 * heartbeat the lease, and stop on cancel, lease loss or shutdown (checkpoint, then release).
 *
 * <p>While the database is away training goes on with points buffered; once the lease may have
 * expired (no heartbeat answered for a lease period) it waits for the database, and a heartbeat
 * then says whether the run is still ours. Every write is fenced by (worker, attempt).
 */
final class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    /** How an execution ended, from the worker's point of view. */
    enum Ending { SUCCEEDED, CANCELLED, LEASE_LOST, SHUTDOWN }

    private final RunQueue queue;
    private final MetricStore store;
    private final CheckpointStore checkpoints;
    private final TrainingEngineFactory engines;
    private final TwophaseConfig.Worker config;
    private final MeterRegistry registry;
    private final ObjectMapper json;
    /** Steps per second over the last heartbeat interval; 0 while idle. Backs a gauge. */
    private final AtomicReference<Double> speed = new AtomicReference<>(0.0);
    /** Wall time of each optimiser step on this worker thread. */
    private final Timer stepTime;

    RunExecutor(String workerId, RunQueue queue, MetricStore store, CheckpointStore checkpoints,
                TrainingEngineFactory engines, TwophaseConfig.Worker config, MeterRegistry registry, ObjectMapper json) {
        this.queue = queue;
        this.store = store;
        this.checkpoints = checkpoints;
        this.engines = engines;
        this.config = config;
        this.registry = registry;
        this.json = json;
        Gauge.builder("twophase.training.steps.per.second", speed, AtomicReference::get)
                .description("Training speed of this worker thread over its last heartbeat interval")
                .tags("worker", workerId, "device", config.device()).register(registry);
        this.stepTime = registry.timer("twophase.training.step", "worker", workerId, "device", config.device());
    }

    Ending execute(ClaimedRun run, BooleanSupplier stopping) throws Exception {
        try {
            return train(run, stopping);
        } catch (LeaseLostException e) {
            LOG.warnf("run %s: lease of attempt %d lost; stopping without further writes", run.runId(), run.attempt());
            return Ending.LEASE_LOST;
        } catch (DatabaseUnavailableException e) {
            LOG.warnf("run %s: database unreachable while stopping (%s); the lease will expire and another "
                    + "attempt resumes from the last checkpoint", run.runId(), e.getMessage());
            return Ending.SHUTDOWN;
        } finally {
            speed.set(0.0);
        }
    }

    private Ending train(ClaimedRun run, BooleanSupplier stopping) throws Exception {
        ExperimentSpec spec = json.readValue(run.specJson(), ExperimentSpec.class);
        TrainingSetup setup = SpecMapping.toSetup(spec);
        long totalSteps = spec.training().steps();
        MeasurementSchedule schedule = MeasurementSchedule.of(spec.measures(), totalSteps);
        int checkpointEvery = config.checkpointEvery();
        long maxDelay = config.maxRetryDelay().toNanos();
        MetricBuffer buffer = new MetricBuffer(store, run, config.flushPoints(), config.flushInterval().toNanos(),
                new Backoff(maxDelay));
        Counter steps = registry.counter("twophase.training.steps", "device", config.device());
        Timer measurePass = registry.timer("twophase.measure.pass", "device", config.device());

        // Heartbeats start with the claim: building the engine and the step-0 pass may take a while.
        try (Lease lease = Lease.start(queue, run, config, speed::set)) {
            TrainingEngine engine = engines.create(setup);
            try {
                Resumed resumed = resume(run, engine, setup, stopping);
                engine = resumed.engine();
                long start = resumed.step();
                lease.resumedAt(start);
                Runnable abandonIfDone = () -> {
                    if (lease.latest() != Heartbeat.OWNED || stopping.getAsBoolean()) {
                        throw new WorkAbandoned();
                    }
                };
                engine.checkBetweenChunks(abandonIfDone);
                MeasurementPass pass = new MeasurementPass(spec.measures(), spec.training().seed(), abandonIfDone);
                TrainingEngine e0 = engine;
                if (start == 0) {
                    try {
                        measurePass.record(() -> pass.measure(e0, 0, null, buffer));
                    } catch (WorkAbandoned e) {
                        return abandoned(run, lease, buffer, 0, stopping);
                    }
                    buffer.tryFlush();
                }
                return loop(run, engine, lease, buffer, start, totalSteps, schedule, checkpointEvery, pass, steps,
                        measurePass, stopping);
            } finally {
                engine.close();
            }
        }
    }

    private Ending loop(ClaimedRun run, TrainingEngine engine, Lease lease, MetricBuffer buffer, long start,
                    long totalSteps, MeasurementSchedule schedule, int checkpointEvery, MeasurementPass pass, Counter steps,
                    Timer measurePass, BooleanSupplier stopping) throws Exception {
        // Wall time of this attempt's training steps and measurement passes, recorded with every measurement so
        // a run shows what its measures cost next to its training.
        long trainingNanos = 0;
        long measuringNanos = 0;
        for (long step = start + 1; step <= totalSteps; step++) {
            long stepStart = System.nanoTime();
            StepResult result = engine.trainStep();
            long stepNanos = System.nanoTime() - stepStart;
            trainingNanos += stepNanos;
            stepTime.record(stepNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (!Double.isFinite(result.loss())) {
                throw new IllegalStateException("training diverged: loss is " + result.loss() + " at step " + step);
            }
            steps.increment();
            buffer.add(MetricNames.TRAIN_BATCH_LOSS, MetricNames.WHOLE_MODEL, step, result.loss());
            buffer.add(MetricNames.TRAIN_BATCH_ACC, MetricNames.WHOLE_MODEL, step, result.accuracy());
            if (schedule.measuredAt(step)) {
                Double lr = result.learningRate();
                long s = step;
                TrainingEngine e = engine;
                long measureStart = System.nanoTime();
                try {
                    measurePass.record(() -> pass.measure(e, s, lr, buffer));
                } catch (WorkAbandoned abandoned) {
                    return abandoned(run, lease, buffer, step, stopping);
                }
                measuringNanos += System.nanoTime() - measureStart;
                buffer.add(MetricNames.TRAIN_SECONDS, MetricNames.WHOLE_MODEL, step, trainingNanos / 1e9);
                buffer.add(MetricNames.MEASURE_SECONDS, MetricNames.WHOLE_MODEL, step, measuringNanos / 1e9);
            }
            buffer.flushIfDue();
            if (step % checkpointEvery == 0 && step < totalSteps) {
                checkpoint(run, engine, buffer, step);
            }
            lease.progress(step);
            Heartbeat beat = awaitLease(lease, stopping);
            if (beat == Heartbeat.LEASE_LOST) {
                throw new LeaseLostException();
            }
            if (beat == Heartbeat.CANCEL_REQUESTED) {
                return cancel(run, buffer, step, stopping);
            }
            if (stopping.getAsBoolean()) {
                return stop(run, engine, buffer, step);
            }
        }
        awaitFlush(run, buffer, stopping);
        return retrying("finish", () -> queue.finish(run, RunState.SUCCEEDED, totalSteps, null), stopping)
                ? Ending.SUCCEEDED : Ending.LEASE_LOST;
    }

    private Ending cancel(ClaimedRun run, MetricBuffer buffer, long step, BooleanSupplier stopping)
            throws LeaseLostException, DatabaseUnavailableException {
        awaitFlush(run, buffer, stopping);
        retrying("cancel", () -> queue.finish(run, RunState.CANCELLED, step, "cancelled by request at step " + step), stopping);
        return Ending.CANCELLED;
    }

    /**
     * A measurement pass was given up half-way: end the attempt as the latest heartbeat or the stop asks.
     * A stop saves no checkpoint of this step (its measurement is incomplete): the run is released and
     * resumes from its last checkpoint, recomputing what came after.
     */
    private Ending abandoned(ClaimedRun run, Lease lease, MetricBuffer buffer, long step, BooleanSupplier stopping)
            throws LeaseLostException, DatabaseUnavailableException {
        Heartbeat beat = lease.latest();
        if (beat == Heartbeat.LEASE_LOST) {
            throw new LeaseLostException();
        }
        if (beat == Heartbeat.CANCEL_REQUESTED) {
            LOG.infof("run %s: cancelled during the measurement pass of step %d", run.runId(), step);
            return cancel(run, buffer, step, stopping);
        }
        BooleanSupplier pastDeadline = halfTheGrace();
        awaitFlush(run, buffer, pastDeadline);
        retrying("release", () -> queue.release(run, step), pastDeadline);
        LOG.infof("run %s: stopped during the measurement pass of step %d and released; it resumes from its last "
                + "checkpoint", run.runId(), step);
        return Ending.SHUTDOWN;
    }

    /**
     * What the latest heartbeat said. When none has been answered for a lease period the lease may be
     * gone: training pauses until the database answers (or the worker stops).
     */
    private Heartbeat awaitLease(Lease lease, BooleanSupplier stopping) throws DatabaseUnavailableException {
        if (!lease.overdue()) {
            return lease.latest();
        }
        LOG.warnf("run %s: no heartbeat answered for a lease period; waiting for the database", lease.run().runId());
        Backoff backoff = new Backoff(config.maxRetryDelay().toNanos());
        while (lease.overdue()) {
            if (stopping.getAsBoolean()) {
                throw new DatabaseUnavailableException("no heartbeat answered");
            }
            pause(backoff.failed(System.nanoTime()));
        }
        return lease.latest();
    }

    private record Resumed(TrainingEngine engine, long step) {
    }

    /**
     * Restores the run's checkpoint into the engine (a checkpoint of another engine or an unreadable one
     * is ignored: the attempt starts over) and drops the points after it, which this attempt recomputes.
     */
    private Resumed resume(ClaimedRun run, TrainingEngine engine, TrainingSetup setup, BooleanSupplier stopping)
            throws LeaseLostException, DatabaseUnavailableException {
        Optional<CheckpointStore.Checkpoint> saved = retrying("load checkpoint", () -> checkpoints.load(run.runId()), stopping);
        long start = 0;
        if (saved.isPresent()) {
            CheckpointStore.Checkpoint c = saved.get();
            if (!c.engine().equals(engineName(engine))) {
                LOG.warnf("run %s: checkpoint at step %d was written by %s, not %s; starting over", run.runId(),
                        c.step(), c.engine(), engineName(engine));
            } else {
                try {
                    engine.restoreState(c.state());
                    start = c.step();
                    registry.counter("twophase.runs.resumed", "device", config.device()).increment();
                    LOG.infof("run %s: attempt %d resumes from its checkpoint at step %d", run.runId(), run.attempt(), start);
                } catch (IllegalArgumentException e) {
                    LOG.warnf("run %s: checkpoint at step %d cannot be restored (%s); starting over", run.runId(),
                            c.step(), e.getMessage());
                    engine.close();
                    engine = engines.create(setup);
                }
            }
        }
        long after = start == 0 ? -1 : start;
        if (!retrying("drop points after the checkpoint",
                () -> store.deleteAfterFenced(run.runId(), run.workerId(), run.attempt(), after), stopping)) {
            throw new LeaseLostException();
        }
        return new Resumed(engine, start);
    }

    /**
     * Flushes every point up to {@code step}, then saves the state: a checkpoint never runs ahead of the
     * stored points. Skipped (tried again at the next one) while the database is away.
     */
    private void checkpoint(ClaimedRun run, TrainingEngine engine, MetricBuffer buffer, long step) throws LeaseLostException {
        if (!buffer.tryFlush()) {
            return;
        }
        try {
            if (!checkpoints.save(run, step, engineName(engine), engine.saveState())) {
                throw new LeaseLostException();
            }
        } catch (QueueException e) {
            LOG.warnf("run %s: checkpoint at step %d not saved: %s", run.runId(), step, e.getMessage());
        }
    }

    /** Graceful stop: the step is done; store its points, checkpoint it and give the run back. */
    private Ending stop(ClaimedRun run, TrainingEngine engine, MetricBuffer buffer, long step)
            throws LeaseLostException, DatabaseUnavailableException {
        BooleanSupplier pastDeadline = halfTheGrace();
        awaitFlush(run, buffer, pastDeadline);
        byte[] state = engine.saveState();
        if (!retrying("checkpoint", () -> checkpoints.save(run, step, engineName(engine), state), pastDeadline)) {
            throw new LeaseLostException();
        }
        retrying("release", () -> queue.release(run, step), pastDeadline);
        LOG.infof("run %s: stopped at step %d, checkpointed and released", run.runId(), step);
        return Ending.SHUTDOWN;
    }

    /** A stopping worker retries its last writes for half its shutdown grace, then gives up. */
    private BooleanSupplier halfTheGrace() {
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos() / 2;
        return () -> System.nanoTime() - deadline > 0;
    }

    private void awaitFlush(ClaimedRun run, MetricBuffer buffer, BooleanSupplier giveUp)
            throws LeaseLostException, DatabaseUnavailableException {
        Backoff backoff = new Backoff(config.maxRetryDelay().toNanos());
        while (!buffer.tryFlush()) {
            if (giveUp.getAsBoolean()) {
                throw new DatabaseUnavailableException(buffer.pending() + " metric points of run " + run.runId() + " not written");
            }
            pause(backoff.failed(System.nanoTime()));
        }
    }

    /** Calls the database until it answers; gives up (throws) only when {@code giveUp} says so. */
    private <T> T retrying(String what, Supplier<T> call, BooleanSupplier giveUp) throws DatabaseUnavailableException {
        Backoff backoff = new Backoff(config.maxRetryDelay().toNanos());
        while (true) {
            try {
                return call.get();
            } catch (QueueException | MetricStoreException e) {
                if (giveUp.getAsBoolean()) {
                    throw new DatabaseUnavailableException(what + ": " + e.getMessage());
                }
                long delay = backoff.failed(System.nanoTime());
                LOG.warnf("%s failed, retrying in %d ms: %s", what, delay / 1_000_000, e.getMessage());
                pause(delay);
            }
        }
    }

    static void pause(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String engineName(TrainingEngine engine) {
        return engine.getClass().getName();
    }
}
