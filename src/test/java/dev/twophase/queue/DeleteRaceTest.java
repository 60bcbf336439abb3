package dev.twophase.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Deletes racing claims on the same runs: a run is either deleted and never claimed, or claimed and then
 * refused to the delete (HELD, with its cancel requested). Device class "gpu", away from the in-process worker.
 */
@QuarkusTest
class DeleteRaceTest {

    private static final int RUNS = 60;

    @Inject
    RunQueue queue;
    @Inject
    RunRepository runs;
    @Inject
    DataSource dataSource;

    @Test
    void aRunIsEitherDeletedOrClaimedNeverBoth() throws Exception {
        UUID experiment = UUID.randomUUID();
        List<UUID> ids = enqueue(experiment);
        Set<UUID> claimed = ConcurrentHashMap.newKeySet();
        Map<UUID, Deletion.Outcome> deletes = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                String worker = "race-claimer-" + w;
                work.add(pool.submit(() -> {
                    start.await();
                    Optional<ClaimedRun> next;
                    while ((next = queue.claim(worker, "gpu", Duration.ofMinutes(5))).isPresent()) {
                        claimed.add(next.get().runId());
                    }
                    return null;
                }));
            }
            for (int d = 0; d < 2; d++) {
                List<UUID> mine = ids.subList(d * RUNS / 2, (d + 1) * RUNS / 2);
                work.add(pool.submit(() -> {
                    start.await();
                    for (UUID id : mine) {
                        deletes.put(id, queue.delete(id).outcome());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (UUID id : ids) {
            Optional<RunRecord> run = runs.find(id);
            if (deletes.get(id) == Deletion.Outcome.DELETED) {
                assertThat(claimed).as("deleted run %s was also claimed", id).doesNotContain(id);
                assertThat(run).isEmpty();
            } else {
                assertThat(deletes.get(id)).isEqualTo(Deletion.Outcome.HELD);
                assertThat(claimed).contains(id);
                assertThat(run).get().satisfies(r -> {
                    assertThat(r.state()).isEqualTo(RunState.RUNNING);
                    assertThat(r.cancelRequested()).isTrue();
                });
            }
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM experiment WHERE id = ?")) {
            ps.setObject(1, experiment);
            ps.executeUpdate();
        }
    }

    private List<UUID> enqueue(UUID experiment) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO experiment (id, name, spec) VALUES (?, 'delete-race', '{}'::jsonb)")) {
                ps.setObject(1, experiment);
                ps.executeUpdate();
            }
            for (int i = 0; i < RUNS; i++) {
                UUID run = UUID.randomUUID();
                queue.insert(c, new NewRun(run, experiment, i, "{}", false, "gpu", 100, 3, 100L));
                ids.add(run);
            }
        }
        return ids;
    }
}
