package dev.twophase.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.twophase.queue.RunQueue;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Workers in child JVMs against a PostgreSQL of this test's own: killed with -9 mid-run (the run is
 * resumed from its checkpoint by the next worker and ends with every step exactly once), stopped with
 * SIGTERM (checkpoint at the last step, lease released), and a database stopped and restarted under a
 * running worker (it keeps its points, carries on, and the run completes in the same attempt).
 */
class FaultToleranceTest {

    private static final Pattern RESUMED = Pattern.compile("attempt (\\d+) resumes from its checkpoint at step (\\d+)");

    @TempDir
    Path tmp;

    private EmbeddedPostgres postgres;
    private int port;
    private PGSimpleDataSource db;
    private RunQueue queue;
    private final List<Process> children = new ArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startDatabase() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        postgres = startPostgres();
        db = new PGSimpleDataSource();
        db.setUrl(jdbcUrl());
        db.setUser("postgres");
        db.setPassword("postgres");
        Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
        queue = new RunQueue(db);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : children) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void runKilledRepeatedlyResumesFromCheckpointsAndHasEveryStepOnce() throws Exception {
        // long enough that no killed worker reaches the end between the poll that sees its checkpoint and
        // the kill (the tiny model trains ~1,000 steps/s, a poll is 200 ms)
        int steps = 3000;
        UUID run = enqueue(steps, 20, 10);
        long lastCheckpoint = 0;
        int lastAttempt = 0;
        for (int kill = 1; kill <= 3; kill++) {
            Process worker = startWorker("killed-" + kill, 20, 5);
            long after = lastCheckpoint;
            int previous = lastAttempt;
            // a later attempt (a starved heartbeat on a loaded machine may cost one more) checkpointed 40 steps further
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200)).until(() -> {
                queue.reapExpiredLeases(Duration.ZERO);
                Map<String, Object> cp = checkpoint(run);
                return cp != null && (int) cp.get("attempt") > previous && (long) cp.get("step") >= after + 40;
            });
            worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            lastCheckpoint = (long) checkpoint(run).get("step");
            lastAttempt = (int) checkpoint(run).get("attempt");
            assertThat(lastCheckpoint).isLessThan(steps);
        }
        startWorker("finisher", 20, 5);
        try {
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
                queue.reapExpiredLeases(Duration.ZERO);
                return "succeeded".equals(runRow(run).get("state"));
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("run " + runRow(run) + ", checkpoint " + checkpoint(run) + "; workers said:\n"
                    + String.join("\n", output.stream().filter(l -> !l.startsWith("Added differentiated")).toList()), e);
        }

        assertThat((int) runRow(run).get("attempt")).isGreaterThan(lastAttempt);
        assertEveryStepOnce(run, steps, 20);
        List<Matcher> resumes = output.stream().map(RESUMED::matcher).filter(Matcher::find).toList();
        assertThat(resumes).hasSizeGreaterThanOrEqualTo(3);
        for (Matcher m : resumes) {
            assertThat(Long.parseLong(m.group(2))).isPositive().isLessThan(steps);
        }
    }

    @Test
    void sigtermCheckpointsTheLastStepAndReleasesTheLease() throws Exception {
        UUID run = enqueue(100_000, 50, 3);
        Process worker = startWorker("terminated", 1000, 30);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> ((Number) runRow(run).get("step")).longValue() >= 30);
        worker.destroy(); // SIGTERM
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("exits within the grace period").isTrue();

        Map<String, Object> row = runRow(run);
        Map<String, Object> cp = checkpoint(run);
        assertThat(row.get("state")).isEqualTo("queued");
        assertThat(row.get("worker_id")).isNull();
        assertThat(row.get("attempt")).as("a release does not spend an attempt").isEqualTo(0);
        if (cp == null) {
            // SIGTERM landed in a measurement pass (every 50 steps, before the first checkpoint at 1,000): the
            // worker releases without a checkpoint, so the run resumes from its last one (here: the start)
            assertThat((String) row.get("error")).startsWith("released by a stopping worker at step ");
            return;
        }
        long step = (long) cp.get("step");
        assertThat(step).isGreaterThanOrEqualTo(30);
        assertThat((String) row.get("error")).isEqualTo("released by a stopping worker at step " + step);
        assertThat(pointsOf(run, "train_batch_loss")).hasSize((int) step);
    }

    @Test
    void workerRidesOutADatabaseRestart() throws Exception {
        int steps = 300;
        UUID run = enqueue(steps, 20, 3);
        startWorker("outage", 50, 30);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> ((Number) runRow(run).get("step")).longValue() >= 20);
        int warningsBefore = failures();
        postgres.close();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> failures() > warningsBefore);
        postgres = startPostgres();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> "succeeded".equals(runRow(run).get("state")));

        assertThat(runRow(run).get("attempt")).as("the same attempt carried on").isEqualTo(1);
        assertEveryStepOnce(run, steps, 20);
    }

    /** Log lines of the child saying a database call failed (and that it trains on / retries). */
    private int failures() {
        return (int) output.stream().filter(l -> l.contains("failed")).count();
    }

    private void assertEveryStepOnce(UUID run, int steps, int every) throws SQLException {
        List<Long> batch = pointsOf(run, "train_batch_loss");
        assertThat(batch).hasSize(steps);
        for (int i = 0; i < steps; i++) {
            assertThat(batch.get(i)).isEqualTo(i + 1L);
        }
        List<Long> evaluated = pointsOf(run, "test_acc");
        assertThat(evaluated).hasSize(steps / every + 1);
        for (int i = 0; i < evaluated.size(); i++) {
            assertThat(evaluated.get(i)).isEqualTo((long) i * every);
        }
    }

    private EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(tmp.resolve("pg")).setCleanDataDirectory(false)
                .setPort(port).start();
    }

    private String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    private Process startWorker(String id, int checkpointEvery, int leaseSeconds) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-Dorg.jboss.logging.provider=jdk",
                "-cp", System.getProperty("java.class.path"), WorkerProcess.class.getName(),
                jdbcUrl(), id, String.valueOf(checkpointEvery), String.valueOf(leaseSeconds))
                .redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1"); // a tiny model; spinning threads only slow a shared machine
        Process p = builder.start();
        children.add(p);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        }, "child-output-" + id);
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private UUID enqueue(long steps, int every, int maxAttempts) throws SQLException, IOException {
        return WorkerProcess.enqueue(db, steps, every, maxAttempts);
    }

    private Map<String, Object> runRow(UUID run) throws SQLException {
        return row("SELECT state, attempt, step, worker_id, error FROM run WHERE id = ?", run);
    }

    private Map<String, Object> checkpoint(UUID run) throws SQLException {
        return row("SELECT step, attempt FROM checkpoint WHERE run_id = ?", run);
    }

    private Map<String, Object> row(String sql, UUID run) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, Object> out = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return out;
            }
        }
    }

    private List<Long> pointsOf(UUID run, String name) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT step FROM metric_point WHERE run_id = ? AND name = ? AND layer = 0 ORDER BY step")) {
            ps.setObject(1, run);
            ps.setString(2, name);
            List<Long> steps = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    steps.add(rs.getLong(1));
                }
            }
            return steps;
        }
    }
}
