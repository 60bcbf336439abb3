package dev.twophase.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
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
 * 8 workers claiming concurrently from 200 queued runs: every run is claimed exactly once. Device
 * class "gpu", so the test application's in-process worker (cpu) stays out of it.
 */
@QuarkusTest
class ConcurrentClaimTest {

    private static final int RUNS = 200;
    private static final int CLAIMERS = 8;

    @Inject
    RunQueue queue;
    @Inject
    DataSource dataSource;

    @Test
    void eightClaimersClaimEachOf200RunsExactlyOnce() throws Exception {
        UUID experiment = UUID.randomUUID();
        Set<UUID> queued = enqueue(experiment);
        ExecutorService pool = Executors.newFixedThreadPool(CLAIMERS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<UUID>>> claims = new ArrayList<>();
            for (int w = 0; w < CLAIMERS; w++) {
                String worker = "claimer-" + w;
                claims.add(pool.submit(() -> {
                    start.await();
                    List<UUID> mine = new ArrayList<>();
                    Optional<ClaimedRun> next;
                    while ((next = queue.claim(worker, "gpu", Duration.ofMinutes(5))).isPresent()) {
                        if (queued.contains(next.get().runId())) {
                            mine.add(next.get().runId());
                        }
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<UUID> all = new ArrayList<>();
            int workersThatClaimed = 0;
            for (Future<List<UUID>> f : claims) {
                List<UUID> mine = f.get();
                all.addAll(mine);
                workersThatClaimed += mine.isEmpty() ? 0 : 1;
            }
            assertThat(all).hasSize(RUNS).doesNotHaveDuplicates();
            assertThat(new HashSet<>(all)).isEqualTo(queued);
            assertThat(workersThatClaimed).as("the claims were spread, not serialised into one worker").isGreaterThan(1);
        } finally {
            pool.shutdownNow();
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("DELETE FROM experiment WHERE id = ?")) {
                ps.setObject(1, experiment);
                ps.executeUpdate();
            }
        }
    }

    private Set<UUID> enqueue(UUID experiment) throws SQLException {
        Set<UUID> ids = new HashSet<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO experiment (id, name, spec) VALUES (?, 'concurrent-claims', '{}'::jsonb)")) {
                ps.setObject(1, experiment);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO run (id, experiment_id, ordinal, spec, state, device, max_attempts, total_steps)
                    VALUES (?, ?, ?, '{}'::jsonb, 'queued', 'gpu', 1, 10)""")) {
                for (int i = 0; i < RUNS; i++) {
                    UUID id = UUID.randomUUID();
                    ids.add(id);
                    ps.setObject(1, id);
                    ps.setObject(2, experiment);
                    ps.setInt(3, i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return ids;
    }
}
