package dev.twophase.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM with the embedded default (issue 18, item 2): the JVM runs its shutdown hooks at once, so
 * the embedded PostgreSQL was stopped while the worker was still flushing its points and releasing its
 * run, which then lost points and spent an attempt. The worker must finish first, the database last.
 */
class EmbeddedStopOrderTest {

    private static final Pattern STARTED = Pattern.compile("RUN (\\S+) PORT (\\d+)");

    @TempDir
    Path tmp;

    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process child;
    private Thread reader;

    @AfterEach
    void stopChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermStopsTheWorkerBeforeTheEmbeddedDatabase() throws Exception {
        Path dataDir = tmp.resolve("pg");
        child = start(dataDir);
        Matcher started = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> output.stream().map(STARTED::matcher).filter(Matcher::matches).findFirst(), o -> o.isPresent())
                .orElseThrow();
        UUID run = UUID.fromString(started.group(1));
        String password = Files.readString(EmbeddedPostgresServer.passwordFile(dataDir)).trim();
        String url = "jdbc:postgresql://localhost:" + started.group(2) + "/postgres";
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection c = DriverManager.getConnection(url, "postgres", password)) {
                return step(c, run) >= 30;
            }
        });

        // SIGTERM through the handle: Process.destroy() also closes the pipes, and what the child says while
        // stopping would be lost.
        child.toHandle().destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("exits within the grace period").isTrue();
        reader.join(10_000);

        String said = String.join("\n", output);
        int workerDone = indexOf("APPLICATION STOPPED: worker done");
        int stopped = indexOf("twophase: stopping the embedded PostgreSQL");
        assertThat(workerDone).as("the worker finished; the child said:%n%s", said).isNotNegative();
        assertThat(stopped).as("the database stopped, after the worker; the child said:%n%s", said)
                .isGreaterThan(workerDone);

        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setConnectConfig("password", password).setRegisterShutdownHook(false).start();
             Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"), "postgres", password)) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT state, attempt, worker_id, error, (SELECT step FROM checkpoint WHERE run_id = r.id), "
                            + "(SELECT count(*) FROM metric_point WHERE run_id = r.id AND name = 'train_batch_loss') "
                            + "FROM run r WHERE id = ?")) {
                ps.setObject(1, run);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    long checkpoint = rs.getLong(5);
                    assertThat(rs.getString(1)).isEqualTo("queued");
                    assertThat(rs.getInt(2)).as("a stop spends no attempt").isZero();
                    assertThat(rs.getString(3)).isNull();
                    assertThat(rs.getString(4)).isEqualTo("released by a stopping worker at step " + checkpoint);
                    assertThat(checkpoint).isGreaterThanOrEqualTo(30);
                    assertThat(rs.getLong(6)).as("every step's point was flushed").isEqualTo(checkpoint);
                }
            }
        }
    }

    private int indexOf(String text) {
        for (int i = 0; i < output.size(); i++) {
            if (output.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static long step(Connection c, UUID run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT step FROM run WHERE id = ?")) {
            ps.setObject(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private Process start(Path dataDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-Dorg.jboss.logging.provider=jdk",
                "-cp", System.getProperty("java.class.path"), StopOrderProcess.class.getName(), dataDir.toString())
                .redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process p = builder.start();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the child ended
            }
        }, "stop-order-output");
        reader.setDaemon(true);
        reader.start();
        return p;
    }
}
