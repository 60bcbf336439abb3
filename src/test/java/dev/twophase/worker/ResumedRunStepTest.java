package dev.twophase.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.Heartbeat;
import dev.twophase.queue.RunQueue;
import dev.twophase.queue.RunRecord;
import dev.twophase.queue.RunRepository;
import dev.twophase.queue.RunState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A run reclaimed after its worker died shows the checkpoint step it resumes from, from the claim
 * on: the new attempt's heartbeats, which start before the engine has restored the checkpoint,
 * never report step 0. Against a real (embedded) PostgreSQL.
 */
class ResumedRunStepTest {

    @Test
    void reclaimedRunShowsItsCheckpointStepUntilItsFirstNewStep() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            PGSimpleDataSource db = new PGSimpleDataSource();
            db.setUrl("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres");
            db.setUser("postgres");
            db.setPassword("postgres");
            Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
            UUID run = UUID.randomUUID();
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                UUID experiment = UUID.randomUUID();
                s.execute("INSERT INTO experiment (id, name, spec) VALUES ('" + experiment + "', 'resume', '{}')");
                s.execute("INSERT INTO run (id, experiment_id, spec, state, device, total_steps) VALUES ('" + run
                        + "', '" + experiment + "', '{}', 'queued', 'cpu', 1000)");
            }
            RunQueue queue = new RunQueue(db);
            CheckpointStore checkpoints = new CheckpointStore(db);
            RunRepository runs = new RunRepository(db);

            // Attempt 1 checkpoints step 200, reports step 260 and dies: its lease expires.
            ClaimedRun first = queue.claim("worker-a", "cpu", Duration.ZERO).orElseThrow();
            assertThat(first.step()).isZero();
            assertThat(checkpoints.save(first, 200, "engine", new byte[] {1, 2, 3})).isTrue();
            assertThat(queue.heartbeat(first, 260, 5.0, Duration.ZERO)).isEqualTo(Heartbeat.OWNED);
            assertThat(queue.reapExpiredLeases(Duration.ZERO)).isEqualTo(1);
            assertThat(runs.find(run).orElseThrow().state()).isEqualTo(RunState.QUEUED);

            // Attempt 2 resumes from the checkpoint: the claim says so, and so does every heartbeat
            // sent before the worker reports a new step.
            ClaimedRun second = queue.claim("worker-b", "cpu", Duration.ofMinutes(1)).orElseThrow();
            assertThat(second.attempt()).isEqualTo(2);
            assertThat(second.step()).isEqualTo(200);
            OffsetDateTime claimedAt = runs.find(run).orElseThrow().heartbeatAt();
            List<Double> speeds = new CopyOnWriteArrayList<>();
            try (Lease lease = Lease.start(queue, second, WorkerProcess.workerConfig(200, Duration.ofMinutes(1)),
                    speeds::add)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> speeds.size() >= 2);
                RunRecord beforeFirstStep = runs.find(run).orElseThrow();
                assertThat(beforeFirstStep.heartbeatAt()).isAfter(claimedAt);
                assertThat(beforeFirstStep.step()).isEqualTo(200);
                assertThat(beforeFirstStep.state()).isEqualTo(RunState.RUNNING);
                assertThat(speeds).allSatisfy(s -> assertThat(s).isZero());

                lease.progress(201);
                await().atMost(Duration.ofSeconds(20)).until(() -> runs.find(run).orElseThrow().step() == 201);
            }
        }
    }
}
