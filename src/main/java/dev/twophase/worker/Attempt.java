package dev.twophase.worker;

import dev.twophase.experiment.spec.ExperimentSpec;
import dev.twophase.metrics.MetricNames;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.Heartbeat;
import dev.twophase.queue.QueueException;
import dev.twophase.training.StepResult;
import dev.twophase.training.TrainingEngine;
import dev.twophase.training.TrainingSetup;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import org.jboss.logging.Logger;

/**
 * One attempt at a claimed run: its lease, engine, metric buffer and measurement pass. {@link #train}
 * resumes from the checkpoint, steps, measures, checkpoints and heartbeats until the run ends one way
 * or another, and says how; it writes no state change of the run ({@link RunExecutor} does).
 *
 * <p>While the database is away training goes on with points buffered; once the lease may have
 * expired (no heartbeat answered for a lease period) it waits for the database, and a heartbeat
 * then says whether the run is still ours. Every write is fenced by (worker, attempt).
 */
final class Attempt implements AutoCloseable {

    // The longest a step waits for API requests in flight (role all): reads first, training never stalls.
    private static final long MAX_YIELD_NANOS = 50_000_000;

    private static final Logger LOG = Logger.getLogger(Attempt.class);

    private final ClaimedRun run;
    private final WorkerServices services;
    private final AttemptMeters meters;
    private final BooleanSupplier stopping;
    private final Lease lease;
    private final MetricBuffer buffer;
    private TrainingEngine engine;
    private MeasurementPass pass;
    /** The step being worked on; the last completed one once training stops. */
    private long step;
    // Wall time of this attempt's steps and passes, recorded with every measurement so a run shows what its
    // measures cost next to its training.
    private long trainingNanos;
    private long measuringNanos;

    /** Starts heartbeating with the claim: building the engine and the step-0 pass may take a while. */
    Attempt(ClaimedRun run, WorkerServices services, AttemptMeters meters, DoubleConsumer speed, BooleanSupplier stopping) {
        this.run = run;
        this.services = services;
        this.meters = meters;
        this.stopping = stopping;
        this.step = run.step();
        this.buffer = new MetricBuffer(services.store(), run, services.config().flushPoints(),
                services.config().flushInterval().toNanos(), new Backoff(services.config().maxRetryDelay().toNanos()));
        this.lease = Lease.start(services.queue(), run, services.config(), speed);
    }

    ClaimedRun run() {
        return run;
    }

    /** Trains until the run ends, is cancelled, is lost or the worker stops; never throws. */
    Outcome train() {
        try {
            return trainSteps();
        } catch (LeaseLostException e) {
            return Outcome.of(Outcome.Kind.LEASE_LOST, step);
        } catch (DatabaseUnavailableException e) {
            return new Outcome(Outcome.Kind.UNREACHABLE, step, e);
        } catch (Exception e) {
            return new Outcome(Outcome.Kind.FAILED, step, e);
        }
    }

    private Outcome trainSteps() throws Exception {
        ExperimentSpec spec = services.json().readValue(run.specJson(), ExperimentSpec.class);
        TrainingSetup setup = SpecMapping.toSetup(spec);
        long totalSteps = spec.training().steps();
        MeasurementSchedule schedule = MeasurementSchedule.of(spec.measures(), totalSteps);
        engine = services.engines().create(setup);
        step = resume(setup);
        lease.resumedAt(step);
        Runnable abandonIfDone = () -> {
            if (lease.latest() != Heartbeat.OWNED || stopping.getAsBoolean()) {
                throw new WorkAbandoned();
            }
        };
        engine.checkBetweenChunks(abandonIfDone);
        pass = new MeasurementPass(spec.measures(), spec.training().seed(), abandonIfDone);
        if (step == 0) {
            if (!measured(null)) {
                return abandoned();
            }
            buffer.tryFlush();
        }
        while (step < totalSteps) {
            step++;
            services.yieldToRequests().accept(MAX_YIELD_NANOS);
            StepResult result = trainStep();
            if (schedule.measuredAt(step)) {
                long measureStart = System.nanoTime();
                if (!measured(result.learningRate())) {
                    return abandoned();
                }
                measuringNanos += System.nanoTime() - measureStart;
                buffer.add(MetricNames.TRAIN_SECONDS, MetricNames.WHOLE_MODEL, step, trainingNanos / 1e9);
                buffer.add(MetricNames.MEASURE_SECONDS, MetricNames.WHOLE_MODEL, step, measuringNanos / 1e9);
            }
            buffer.flushIfDue();
            if (step % services.config().checkpointEvery() == 0 && step < totalSteps) {
                checkpoint();
            }
            lease.progress(step);
            Heartbeat beat = awaitLease();
            if (beat == Heartbeat.LEASE_LOST) {
                return Outcome.of(Outcome.Kind.LEASE_LOST, step);
            }
            if (beat == Heartbeat.CANCEL_REQUESTED) {
                return Outcome.of(Outcome.Kind.CANCEL_REQUESTED, step);
            }
            if (stopping.getAsBoolean()) {
                return Outcome.of(Outcome.Kind.STOPPED, step);
            }
        }
        return Outcome.of(Outcome.Kind.COMPLETED, totalSteps);
    }

    private StepResult trainStep() {
        long stepStart = System.nanoTime();
        StepResult result = engine.trainStep();
        long stepNanos = System.nanoTime() - stepStart;
        trainingNanos += stepNanos;
        meters.stepTime().record(stepNanos, TimeUnit.NANOSECONDS);
        if (!Double.isFinite(result.loss())) {
            throw new IllegalStateException("training diverged: loss is " + result.loss() + " at step " + step);
        }
        meters.steps().increment();
        buffer.add(MetricNames.TRAIN_BATCH_LOSS, MetricNames.WHOLE_MODEL, step, result.loss());
        buffer.add(MetricNames.TRAIN_BATCH_ACC, MetricNames.WHOLE_MODEL, step, result.accuracy());
        return result;
    }

    /** The pass at the current step; false when it was given up half-way ({@link WorkAbandoned}). */
    private boolean measured(Double lr) {
        try {
            meters.measurePass().record(() -> pass.measure(engine, step, lr, buffer));
            return true;
        } catch (WorkAbandoned e) {
            return false;
        }
    }

    /**
     * A measurement pass was given up half-way: end as the latest heartbeat or the stop asks. A stop
     * saves no checkpoint of this step (its measurement is incomplete).
     */
    private Outcome abandoned() {
        Heartbeat beat = lease.latest();
        if (beat == Heartbeat.LEASE_LOST) {
            return Outcome.of(Outcome.Kind.LEASE_LOST, step);
        }
        if (beat == Heartbeat.CANCEL_REQUESTED) {
            LOG.infof("run %s: cancelled during the measurement pass of step %d", run.runId(), step);
            return Outcome.of(Outcome.Kind.CANCEL_REQUESTED, step);
        }
        return Outcome.of(Outcome.Kind.STOPPED_MID_PASS, step);
    }

    /**
     * What the latest heartbeat said. When none has been answered for a lease period the lease may be
     * gone: training pauses until the database answers (or the worker stops).
     */
    private Heartbeat awaitLease() throws LeaseLostException, DatabaseUnavailableException {
        if (!lease.overdue()) {
            return lease.latest();
        }
        LOG.warnf("run %s: no heartbeat answered for a lease period; waiting for the database", run.runId());
        return services.retry().until("no heartbeat answered", () -> lease.overdue() ? null : lease.latest(), stopping);
    }

    /**
     * Restores the run's checkpoint into the engine (a checkpoint of another engine or an unreadable one
     * is ignored: the attempt starts over) and drops the points after it, which this attempt recomputes.
     * Returns the step it resumes from.
     */
    private long resume(TrainingSetup setup) throws LeaseLostException, DatabaseUnavailableException {
        Optional<CheckpointStore.Checkpoint> saved = services.retry().until("load checkpoint",
                () -> services.checkpoints().load(run.runId()), stopping);
        long start = saved.isPresent() ? restore(saved.get(), setup) : 0;
        long after = start == 0 ? -1 : start;
        if (!services.retry().until("drop points after the checkpoint",
                () -> services.store().deleteAfterFenced(run.runId(), run.workerId(), run.attempt(), after), stopping)) {
            throw new LeaseLostException();
        }
        return start;
    }

    /** The checkpoint's step once restored; 0 (and a fresh engine where needed) when it cannot be used. */
    private long restore(CheckpointStore.Checkpoint c, TrainingSetup setup) {
        if (!c.engine().equals(engineName())) {
            LOG.warnf("run %s: checkpoint at step %d was written by %s, not %s; starting over", run.runId(),
                    c.step(), c.engine(), engineName());
            return 0;
        }
        try {
            engine.restoreState(c.state());
            meters.resumed().run();
            LOG.infof("run %s: attempt %d resumes from its checkpoint at step %d", run.runId(), run.attempt(), c.step());
            return c.step();
        } catch (IllegalArgumentException e) {
            LOG.warnf("run %s: checkpoint at step %d cannot be restored (%s); starting over", run.runId(),
                    c.step(), e.getMessage());
            engine.close();
            engine = services.engines().create(setup);
            return 0;
        }
    }

    /**
     * Flushes every point up to the current step, then saves the state: a checkpoint never runs ahead of
     * the stored points. Skipped (tried again at the next one) while the database is away.
     */
    private void checkpoint() throws LeaseLostException {
        if (!buffer.tryFlush()) {
            return;
        }
        try {
            if (!services.checkpoints().save(run, step, engineName(), engine.saveState())) {
                throw new LeaseLostException();
            }
        } catch (QueueException e) {
            LOG.warnf("run %s: checkpoint at step %d not saved: %s", run.runId(), step, e.getMessage());
        }
    }

    /** Writes every buffered point, retrying until {@code giveUp}. */
    void flushAll(BooleanSupplier giveUp) throws LeaseLostException, DatabaseUnavailableException {
        services.retry().until(buffer.pending() + " metric points of run " + run.runId() + " not written",
                () -> buffer.tryFlush() ? Boolean.TRUE : null, giveUp);
    }

    /** Saves the engine's state as the checkpoint of {@code at}, retrying until {@code giveUp}; false: lease lost. */
    boolean saveCheckpoint(long at, BooleanSupplier giveUp) throws LeaseLostException, DatabaseUnavailableException {
        byte[] state = engine.saveState();
        String name = engineName();
        return services.retry().until("checkpoint", () -> services.checkpoints().save(run, at, name, state), giveUp);
    }

    private String engineName() {
        return engine.getClass().getName();
    }

    @Override
    public void close() {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            lease.close();
        }
    }
}
