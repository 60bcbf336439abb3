package dev.twophase.worker;

import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.Heartbeat;
import dev.twophase.queue.QueueException;
import dev.twophase.queue.RunQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import org.jboss.logging.Logger;

/**
 * Heartbeats one attempt's lease from its own thread, so a long step or measurement pass (a first
 * step builds the gradient graph; a loaded machine) never lets the lease lapse. The training loop
 * reports progress and reads what the latest heartbeat said: owned, cancel requested, or lost.
 */
final class Lease implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Lease.class);

    private final RunQueue queue;
    private final ClaimedRun run;
    private final TwophaseConfig.Worker config;
    private final DoubleConsumer speed;
    private final ScheduledExecutorService beats;
    private volatile long step;
    private volatile Heartbeat latest = Heartbeat.OWNED;
    private volatile long lastAnswered = System.nanoTime();
    private long stepAtLastBeat; // guarded by this
    private long lastBeat = System.nanoTime();
    private boolean failing;

    private Lease(RunQueue queue, ClaimedRun run, TwophaseConfig.Worker config, DoubleConsumer speed) {
        this.queue = queue;
        this.run = run;
        this.config = config;
        this.speed = speed;
        // Until the engine has restored the checkpoint, heartbeats report the step the claim resumed
        // from, never 0: a reclaimed run's status keeps showing its checkpoint step.
        this.step = run.step();
        this.stepAtLastBeat = run.step();
        this.beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twophase-heartbeat-" + run.runId());
            t.setDaemon(true);
            return t;
        });
    }

    static Lease start(RunQueue queue, ClaimedRun run, TwophaseConfig.Worker config, DoubleConsumer speed) {
        Lease lease = new Lease(queue, run, config, speed);
        long every = config.heartbeatInterval().toNanos();
        lease.beats.scheduleWithFixedDelay(lease::beat, 0, every, TimeUnit.NANOSECONDS);
        return lease;
    }

    ClaimedRun run() {
        return run;
    }

    /** The attempt continues from a checkpoint: progress (and speed) count from there. */
    synchronized void resumedAt(long checkpointStep) {
        step = checkpointStep;
        stepAtLastBeat = checkpointStep;
    }

    void progress(long completedStep) {
        step = completedStep;
    }

    Heartbeat latest() {
        return latest;
    }

    /** No heartbeat answered for a whole lease period: the reaper may have given the run away. */
    boolean overdue() {
        return latest != Heartbeat.LEASE_LOST && System.nanoTime() - lastAnswered > config.lease().toNanos();
    }

    private synchronized void beat() {
        if (latest == Heartbeat.LEASE_LOST) {
            return;
        }
        long now = System.nanoTime();
        long s = step;
        double stepsPerSecond = (s - stepAtLastBeat) / ((now - lastBeat) / 1e9);
        stepAtLastBeat = s;
        lastBeat = now;
        speed.accept(stepsPerSecond);
        try {
            latest = queue.heartbeat(run, s, stepsPerSecond, config.lease());
            lastAnswered = now;
            if (failing) {
                LOG.infof("run %s: heartbeat answered again at step %d", run.runId(), s);
                failing = false;
            }
        } catch (QueueException e) {
            if (!failing) {
                LOG.warnf("run %s: heartbeat at step %d failed, training on: %s", run.runId(), s, e.getMessage());
                failing = true;
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s: heartbeat failed", run.runId());
        }
    }

    @Override
    public void close() {
        beats.shutdownNow();
        try {
            beats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
