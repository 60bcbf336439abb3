package dev.twophase.platform;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default keeps its data across restarts, recovers from a JVM killed with -9
 * (whose PostgreSQL keeps running, orphaned), refuses a data directory a live instance uses, and lets
 * the token CLI attach to that instance's server.
 * Each instance is a child JVM so it can really be killed.
 */
class EmbeddedPostgresRestartTest {

    @TempDir
    Path tmp;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void survivesKillNineAndKeepsItsData() throws Exception {
        Path dataDir = tmp.resolve("pg");
        Process first = start(dataDir);
        assertThat(readLine(first)).isEqualTo("READY rows=1");
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(postgresRunningOn(dataDir)).as("the killed JVM's PostgreSQL is orphaned").isTrue();

        Process second = start(dataDir);
        assertThat(readLine(second)).isEqualTo("READY rows=2");

        Process third = start(dataDir);
        assertThat(third.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(third.exitValue()).isNotZero();
        assertThat(new String(third.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("is in use by another running twophase");
        assertThat(second.isAlive()).as("the live instance is untouched").isTrue();

        // The token CLI attaches instead: it uses the live instance's server and starts none.
        String url = EmbeddedPostgresServer.jdbcUrl(new EmbeddedPostgresSettings(dataDir.toString(), false, 0, true));
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM probe")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2);
        }
        assertThat(EmbeddedPostgresServer.current()).isEmpty();
    }

    private Process start(Path dataDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EmbeddedPostgresProbe.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    /** The first line starting with READY, or null when the process ends without one; a minute at most. */
    private static String readLine(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("READY")) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(60, TimeUnit.SECONDS);
    }

    private static boolean postgresRunningOn(Path dataDir) {
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine()
                .map(c -> c.contains("postgres") && c.contains(dataDir.toString())).orElse(false));
    }
}
