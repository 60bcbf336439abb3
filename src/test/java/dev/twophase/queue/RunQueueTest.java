package dev.twophase.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The queue's state machine against the real database. The runs use device class "gpu" so the
 * test application's in-process worker (device "cpu") never claims them.
 */
@QuarkusTest
class RunQueueTest {

    private static final String DEVICE = "gpu";
    private static final Duration LONG_LEASE = Duration.ofMinutes(5);
    private static final Duration EXPIRED_LEASE = Duration.ZERO;
    private static final Duration NO_BACKOFF = Duration.ZERO;

    @Inject
    RunQueue queue;
    @Inject
    RunRepository runs;
    @Inject
    DataSource dataSource;

    @Test
    void expiredLeaseReturnsTheRunToTheQueueAndFencesTheOldWorker() {
        UUID id = enqueue(3, 0);
        ClaimedRun first = claimExactly(id, "worker-a", EXPIRED_LEASE);
        assertThat(first.attempt()).isEqualTo(1);

        // The scheduled reaper (every second in tests) may get there first; either way it is reaped.
        queue.reapExpiredLeases(NO_BACKOFF);
        RunRecord reaped = runs.find(id).orElseThrow();
        assertThat(reaped.state()).isEqualTo(RunState.QUEUED);
        assertThat(reaped.error()).contains("lease of worker worker-a expired during attempt 1");
        assertThat(reaped.workerId()).isNull();

        // The worker that lost its lease can no longer change the run.
        assertThat(queue.heartbeat(first, 10, 1.0, LONG_LEASE)).isEqualTo(Heartbeat.LEASE_LOST);
        assertThat(queue.finish(first, RunState.SUCCEEDED, 10, null)).isFalse();
        assertThat(queue.fail(first, "late failure", NO_BACKOFF)).isEmpty();

        ClaimedRun second = claimExactly(id, "worker-b", LONG_LEASE);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(queue.heartbeat(second, 5, 2.5, LONG_LEASE)).isEqualTo(Heartbeat.OWNED);
        assertThat(runs.find(id).orElseThrow().step()).isEqualTo(5);
        assertThat(queue.finish(second, RunState.SUCCEEDED, 100, null)).isTrue();
        RunRecord done = runs.find(id).orElseThrow();
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.finishedAt()).isNotNull();
        assertThat(done.step()).isEqualTo(100);
    }

    @Test
    void attemptsAreBoundedAndTheLastErrorIsKept() {
        UUID id = enqueue(2, 0);
        ClaimedRun first = claimExactly(id, "w", LONG_LEASE);
        assertThat(queue.fail(first, "boom 1", NO_BACKOFF)).contains(RunState.QUEUED);
        ClaimedRun second = claimExactly(id, "w", EXPIRED_LEASE);
        assertThat(second.attempt()).isEqualTo(2);
        queue.reapExpiredLeases(NO_BACKOFF);
        RunRecord failed = runs.find(id).orElseThrow();
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        assertThat(failed.attempt()).isEqualTo(2);
        assertThat(failed.error()).contains("expired during attempt 2");
        assertThat(failed.finishedAt()).isNotNull();
    }

    @Test
    void retryWaitsForItsBackoff() {
        UUID id = enqueue(3, 0);
        ClaimedRun first = claimExactly(id, "w", LONG_LEASE);
        assertThat(queue.fail(first, "transient", Duration.ofHours(1))).contains(RunState.QUEUED);
        RunRecord waiting = runs.find(id).orElseThrow();
        assertThat(waiting.state()).isEqualTo(RunState.QUEUED);
        assertThat(waiting.error()).isEqualTo("transient");
        assertThat(claimAll("w")).doesNotContain(id);
    }

    @Test
    void higherPriorityIsClaimedFirstAndShutdownReleaseKeepsTheAttempt() {
        UUID low = enqueue(3, -5);
        UUID high = enqueue(3, 50);
        ClaimedRun claimed = queue.claim("w", DEVICE, LONG_LEASE).orElseThrow();
        assertThat(claimed.runId()).isEqualTo(high);
        assertThat(queue.release(claimed, 7)).isTrue();
        RunRecord released = runs.find(high).orElseThrow();
        assertThat(released.state()).isEqualTo(RunState.QUEUED);
        assertThat(released.attempt()).isZero();
        claimAll("w");
        assertThat(runs.find(low).orElseThrow().state()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void cancelStopsQueuedRunsAtOnceAndFlagsRunningOnes() {
        UUID queued = enqueue(3, 0);
        assertThat(queue.cancel(queued)).contains(RunState.CANCELLED);
        assertThat(queue.cancel(queued)).isEmpty();

        UUID running = enqueue(3, 0);
        ClaimedRun claimed = claimExactly(running, "w", LONG_LEASE);
        assertThat(queue.cancel(running)).contains(RunState.RUNNING);
        assertThat(queue.heartbeat(claimed, 3, null, LONG_LEASE)).isEqualTo(Heartbeat.CANCEL_REQUESTED);
        assertThat(queue.finish(claimed, RunState.CANCELLED, 3, "cancelled")).isTrue();
        assertThat(runs.find(running).orElseThrow().state()).isEqualTo(RunState.CANCELLED);
    }

    /** Issue 18, item 3: a worker killed before it saw the cancel must not bring the run back. */
    @Test
    void aCancelledRunWhoseLeaseExpiresEndsCancelledAndIsNeverClaimedAgain() {
        UUID id = enqueue(3, 0);
        ClaimedRun dead = claimExactly(id, "killed-worker", EXPIRED_LEASE);
        assertThat(queue.cancel(id)).contains(RunState.RUNNING);

        // The scheduled reaper (every second in tests) may get there first; either way it ends cancelled.
        queue.reapExpiredLeases(NO_BACKOFF);
        RunRecord reaped = runs.find(id).orElseThrow();
        assertThat(reaped.state()).isEqualTo(RunState.CANCELLED);
        assertThat(reaped.finishedAt()).isNotNull();
        assertThat(reaped.attempt()).isEqualTo(1);
        assertThat(reaped.error()).contains("cancelled by request");
        assertThat(claimAll("next-worker")).doesNotContain(id);
        assertThat(queue.heartbeat(dead, 3, null, LONG_LEASE)).isEqualTo(Heartbeat.LEASE_LOST);
    }

    @Test
    void aCancelRequestOutlivesAFailedAttemptAndAStoppingWorker() {
        UUID failing = enqueue(3, 0);
        ClaimedRun first = claimExactly(failing, "w", LONG_LEASE);
        queue.cancel(failing);
        assertThat(queue.fail(first, "crashed before the next heartbeat", NO_BACKOFF)).contains(RunState.CANCELLED);
        assertThat(runs.find(failing).orElseThrow().finishedAt()).isNotNull();

        UUID stopping = enqueue(3, 0);
        ClaimedRun second = claimExactly(stopping, "w", LONG_LEASE);
        queue.cancel(stopping);
        assertThat(queue.release(second, 7)).isTrue();
        RunRecord released = runs.find(stopping).orElseThrow();
        assertThat(released.state()).isEqualTo(RunState.CANCELLED);
        assertThat(released.error()).isEqualTo("cancelled by request; its worker stopped at step 7");
        assertThat(claimAll("w")).doesNotContain(failing, stopping);
    }

    @Test
    void aQueuedRunWithACancelRequestIsNotClaimedAndTheReaperEndsIt() throws SQLException {
        // The state the old reaper left behind: requeued with its cancel request still set.
        UUID id = enqueue(3, 0);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE run SET cancel_requested = true WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
        assertThat(claimAll("w")).doesNotContain(id);
        queue.reapExpiredLeases(NO_BACKOFF);
        assertThat(runs.find(id).orElseThrow().state()).isEqualTo(RunState.CANCELLED);
    }

    @Test
    void concurrentClaimersNeverShareARun() throws Exception {
        claimAll("drain");
        Set<UUID> planted = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            planted.add(enqueue(3, 0));
        }
        int claimers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<UUID>>> results = new ArrayList<>();
        for (int c = 0; c < claimers; c++) {
            String worker = "claimer-" + c;
            results.add(pool.submit(() -> {
                start.await();
                return claimAll(worker);
            }));
        }
        start.countDown();
        List<UUID> claimed = new ArrayList<>();
        for (Future<List<UUID>> r : results) {
            claimed.addAll(r.get());
        }
        pool.shutdown();
        assertThat(claimed).doesNotHaveDuplicates();
        assertThat(new HashSet<>(claimed)).isEqualTo(planted);
    }

    private List<UUID> claimAll(String worker) {
        List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
        Optional<ClaimedRun> next;
        while ((next = queue.claim(worker, DEVICE, LONG_LEASE)).isPresent()) {
            claimed.add(next.get().runId());
        }
        return claimed;
    }

    /** Claims the expected run, waiting out the scheduled reaper's short test backoff if it reaped first. */
    private ClaimedRun claimExactly(UUID expected, String worker, Duration lease) {
        ClaimedRun claimed = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> queue.claim(worker, DEVICE, lease), Optional::isPresent).orElseThrow();
        assertThat(claimed.runId()).isEqualTo(expected);
        return claimed;
    }

    /** A fresh experiment with one queued run; earlier queued gpu runs are drained first. */
    private UUID enqueue(int maxAttempts, int priority) {
        UUID experiment = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO experiment (id, name, spec) VALUES (?, 'queue-test', '{}'::jsonb)")) {
                ps.setObject(1, experiment);
                ps.executeUpdate();
            }
            queue.insert(c, new NewRun(run, experiment, 0, "{}", false, DEVICE, priority, maxAttempts, 100L));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return run;
    }
}
