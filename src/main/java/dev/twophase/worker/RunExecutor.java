package dev.twophase.worker;

import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.RunState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Runs one claimed run's attempt ({@link Attempt}) and turns how it ended ({@link Outcome}) into the
 * run's one state change: finish (succeeded or cancelled), release, or fail. A lost lease writes
 * nothing; a stopping worker that cannot reach the database leaves the lease to expire, and another
 * attempt resumes from the last checkpoint.
 */
final class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    /** How an attempt ended, from the worker's point of view (the outcome tag of its meters). */
    enum Ending { SUCCEEDED, CANCELLED, LEASE_LOST, SHUTDOWN, RETRIED, FAILED }

    private final WorkerServices services;
    private final Duration failureBackoff;
    private final MeterRegistry registry;
    /** Steps per second over the last heartbeat interval; 0 while idle. Backs a gauge. */
    private final AtomicReference<Double> speed = new AtomicReference<>(0.0);
    /** Wall time of each optimiser step on this worker thread. */
    private final Timer stepTime;

    RunExecutor(String workerId, WorkerServices services, Duration failureBackoff, MeterRegistry registry) {
        this.services = services;
        this.failureBackoff = failureBackoff;
        this.registry = registry;
        TwophaseConfig.Worker config = services.config();
        Gauge.builder("twophase.training.steps.per.second", speed, AtomicReference::get)
                .description("Training speed of this worker thread over its last heartbeat interval")
                .tags("worker", workerId, "device", config.device()).register(registry);
        this.stepTime = registry.timer("twophase.training.step", "worker", workerId, "device", config.device());
    }

    Ending execute(ClaimedRun run, BooleanSupplier stopping) {
        String device = services.config().device();
        AttemptMeters meters = new AttemptMeters(stepTime, registry.counter("twophase.training.steps", "device", device),
                registry.timer("twophase.measure.pass", "device", device),
                () -> registry.counter("twophase.runs.resumed", "device", device).increment());
        try (Attempt attempt = new Attempt(run, services, meters, speed::set, stopping)) {
            return end(attempt, attempt.train(), stopping);
        } finally {
            speed.set(0.0);
        }
    }

    /** The one place an attempt's outcome becomes a state change of its run. */
    private Ending end(Attempt attempt, Outcome outcome, BooleanSupplier stopping) {
        ClaimedRun run = attempt.run();
        return switch (outcome.kind()) {
            case FAILED -> fail(run, outcome.cause());
            case LEASE_LOST -> leaseLost(run);
            case UNREACHABLE -> unreachable(run, outcome.cause());
            case COMPLETED, CANCEL_REQUESTED, STOPPED, STOPPED_MID_PASS -> write(attempt, outcome, stopping);
        };
    }

    /** Finish or release: the attempt's last writes, retried while the database is away. */
    private Ending write(Attempt attempt, Outcome outcome, BooleanSupplier stopping) {
        ClaimedRun run = attempt.run();
        long step = outcome.step();
        try {
            if (outcome.kind() == Outcome.Kind.COMPLETED) {
                return finish(attempt, RunState.SUCCEEDED, step, null, stopping) ? Ending.SUCCEEDED : Ending.LEASE_LOST;
            }
            if (outcome.kind() == Outcome.Kind.CANCEL_REQUESTED) {
                finish(attempt, RunState.CANCELLED, step, "cancelled by request at step " + step, stopping);
                return Ending.CANCELLED;
            }
            return release(attempt, outcome);
        } catch (LeaseLostException e) {
            return leaseLost(run);
        } catch (DatabaseUnavailableException e) {
            return unreachable(run, e);
        } catch (RuntimeException e) {
            return fail(run, e); // a last write that breaks (not a database outage) fails the attempt, as training would
        }
    }

    /** Stores every point, then the final state; false when the lease was lost meanwhile. */
    private boolean finish(Attempt attempt, RunState state, long step, String error, BooleanSupplier stopping)
            throws LeaseLostException, DatabaseUnavailableException {
        attempt.flushAll(stopping);
        return services.retry().until(state == RunState.SUCCEEDED ? "finish" : "cancel",
                () -> services.queue().finish(attempt.run(), state, step, error), stopping);
    }

    /**
     * Graceful stop: stores the points, checkpoints a whole step (not one whose measurement pass was
     * given up: the run resumes from its last checkpoint and recomputes what came after) and gives the
     * run back, all within half the shutdown grace.
     */
    private Ending release(Attempt attempt, Outcome outcome) throws LeaseLostException, DatabaseUnavailableException {
        ClaimedRun run = attempt.run();
        long step = outcome.step();
        long deadline = System.nanoTime() + services.config().shutdownGrace().toNanos() / 2;
        BooleanSupplier pastDeadline = () -> System.nanoTime() - deadline > 0;
        attempt.flushAll(pastDeadline);
        boolean whole = outcome.kind() == Outcome.Kind.STOPPED;
        if (whole && !attempt.saveCheckpoint(step, pastDeadline)) {
            throw new LeaseLostException();
        }
        services.retry().until("release", () -> services.queue().release(run, step), pastDeadline);
        if (whole) {
            LOG.infof("run %s: stopped at step %d, checkpointed and released", run.runId(), step);
        } else {
            LOG.infof("run %s: stopped during the measurement pass of step %d and released; it resumes from its last "
                    + "checkpoint", run.runId(), step);
        }
        return Ending.SHUTDOWN;
    }

    /** Back to the queue with backoff, or failed for good (or cancelled, when that was requested meanwhile). */
    private Ending fail(ClaimedRun run, Exception cause) {
        LOG.errorf(cause, "run %s: attempt %d failed", run.runId(), run.attempt());
        String error = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return services.queue().fail(run, error, failureBackoff)
                .map(s -> switch (s) {
                    case QUEUED -> Ending.RETRIED;
                    case CANCELLED -> Ending.CANCELLED;
                    default -> Ending.FAILED;
                }).orElse(Ending.LEASE_LOST);
    }

    private static Ending leaseLost(ClaimedRun run) {
        LOG.warnf("run %s: lease of attempt %d lost; stopping without further writes", run.runId(), run.attempt());
        return Ending.LEASE_LOST;
    }

    private static Ending unreachable(ClaimedRun run, Exception cause) {
        LOG.warnf("run %s: database unreachable while stopping (%s); the lease will expire and another "
                + "attempt resumes from the last checkpoint", run.runId(), cause.getMessage());
        return Ending.SHUTDOWN;
    }
}
