package dev.twophase.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twophase.metrics.MetricPoint;
import dev.twophase.metrics.MetricStore;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.Heartbeat;
import dev.twophase.queue.RunQueue;
import dev.twophase.queue.RunState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** docs/database-roles.sql applied to a real PostgreSQL: the worker role can do its job and no more; Grafana only reads. */
class DatabaseRolesTest {

    @Test
    void workerAndGrafanaRolesHaveExactlyTheirPrivileges() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            PGSimpleDataSource owner = dataSource(pg, "postgres", "postgres");
            Flyway.configure().dataSource(owner).locations("classpath:db/migration").load().migrate();
            UUID run = UUID.randomUUID();
            try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
                s.execute(Files.readString(Path.of("docs/database-roles.sql")));
                UUID experiment = UUID.randomUUID();
                s.execute("INSERT INTO experiment (id, name, spec) VALUES ('" + experiment + "', 'roles', '{}')");
                s.execute("INSERT INTO run (id, experiment_id, spec, state, device, total_steps) VALUES ('" + run + "', '"
                        + experiment + "', '{}', 'queued', 'gpu', 10)");
                s.execute("INSERT INTO api_token (id, name, role, token_hash) VALUES (gen_random_uuid(), 't', 'reader', '"
                        + "0".repeat(64) + "')");
            }

            PGSimpleDataSource worker = dataSource(pg, "twophase_worker", "change-me-worker");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RunQueue queue = new RunQueue(worker);
            MetricStore store = new MetricStore(worker, registry);
            CheckpointStore checkpoints = new CheckpointStore(worker);
            ClaimedRun claimed = queue.claim("w", "gpu", Duration.ofMinutes(1)).orElseThrow();
            assertThat(claimed.runId()).isEqualTo(run);
            assertThat(queue.heartbeat(claimed, 3, 1.0, Duration.ofMinutes(1))).isEqualTo(Heartbeat.OWNED);
            assertThat(store.writeFenced(run, "w", 1, List.of(new MetricPoint("train_loss", 0, 3, 0.5)))).isTrue();
            assertThat(store.deleteAfterFenced(run, "w", 1, 2)).isTrue();
            assertThat(checkpoints.save(claimed, 3, "engine", new byte[]{1, 2})).isTrue();
            assertThat(checkpoints.load(run)).isPresent();
            assertThat(queue.finish(claimed, RunState.SUCCEEDED, 10, null)).isTrue();
            assertThat(queue.reapExpiredLeases(Duration.ZERO)).isZero();
            assertDenied(worker, "SELECT * FROM api_token");
            assertDenied(worker, "INSERT INTO experiment (id, name, spec) VALUES (gen_random_uuid(), 'x', '{}')");
            assertDenied(worker, "CREATE TABLE intruder (id int)");

            PGSimpleDataSource grafana = dataSource(pg, "twophase_grafana", "change-me-grafana");
            try (Connection c = grafana.getConnection(); Statement s = c.createStatement()) {
                var rs = s.executeQuery("SELECT count(*) FROM metric_point JOIN run ON run.id = metric_point.run_id");
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(0); // the point after step 2 was dropped by deleteAfterFenced
            }
            assertThatThrownBy(() -> {
                try (Connection c = grafana.getConnection(); Statement s = c.createStatement()) {
                    s.execute("DELETE FROM metric_chunk");
                }
            }).isInstanceOf(SQLException.class).hasMessageContaining("read-only transaction");
            assertDenied(grafana, "SELECT * FROM api_token");
            assertDenied(grafana, "SELECT * FROM checkpoint");
        }
    }

    private static void assertDenied(PGSimpleDataSource ds, String sql) {
        assertThatThrownBy(() -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
    }

    private static PGSimpleDataSource dataSource(EmbeddedPostgres pg, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres");
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }
}
