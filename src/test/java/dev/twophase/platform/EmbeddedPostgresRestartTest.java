package dev.twophase.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default keeps its data across restarts, recovers from a JVM killed with -9
 * (whose PostgreSQL keeps running, orphaned), refuses a data directory a live instance uses, lets
 * the token CLI attach to that instance's server, and trusts nobody: a password from a file only
 * its user can read, loopback only, also for a data directory an older version created with trust.
 * Each instance is a child JVM so it can really be killed.
 */
class EmbeddedPostgresRestartTest {

    private static final Pattern READY = Pattern.compile("READY rows=(\\d+) port=(\\d+)");

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
        assertThat(ready(first).group(1)).isEqualTo("1");
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(postgresRunningOn(dataDir)).as("the killed JVM's PostgreSQL is orphaned").isTrue();

        Process second = start(dataDir);
        assertThat(ready(second).group(1)).isEqualTo("2");

        Process third = start(dataDir);
        assertThat(third.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(third.exitValue()).isNotZero();
        assertThat(new String(third.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("is in use by another running twophase");
        assertThat(second.isAlive()).as("the live instance is untouched").isTrue();

        // The token CLI attaches instead: it uses the live instance's server and starts none.
        EmbeddedPostgresSettings attach = new EmbeddedPostgresSettings(dataDir.toString(), false, 0, true);
        String url = EmbeddedPostgresServer.jdbcUrl(attach);
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.password(attach));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM probe")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2);
        }
        assertThat(EmbeddedPostgresServer.current()).isEmpty();
    }

    /** Issue 18, item 6: pg_hba was trust, so any local account was superuser without a password. Issue 15: fsync on. */
    @Test
    void theServerWantsThePasswordKeptBesideItsDataAndListensOnLoopbackOnly() throws Exception {
        Path dataDir = tmp.resolve("pg");
        int port = Integer.parseInt(ready(start(dataDir)).group(2));

        Path passwordFile = tmp.resolve("pg.password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        String password = Files.readString(passwordFile).trim();
        assertThat(password).hasSizeGreaterThanOrEqualTo(32);
        assertRequiresPassword(port, password);
        try (Connection c = connect(port, password); Statement s = c.createStatement()) {
            assertThat(show(s, "listen_addresses")).isEqualTo("localhost");
            assertThat(show(s, "unix_socket_directories")).isEmpty();
            assertThat(show(s, "password_encryption")).isEqualTo("scram-sha-256");
            // Issue 15: durable, not zonky's test settings (-F, synchronous_commit=off).
            assertThat(show(s, "fsync")).isEqualTo("on");
            assertThat(show(s, "full_page_writes")).isEqualTo("on");
            assertThat(show(s, "synchronous_commit")).isEqualTo("on");
        }
        assertThat(Files.readAllLines(dataDir.resolve("pg_hba.conf")))
                .noneMatch(l -> !l.startsWith("#") && l.trim().endsWith("trust"));
    }

    @Test
    void aDataDirectoryCreatedWithTrustIsSwitchedToPasswordsAndKeepsItsData() throws Exception {
        Path dataDir = tmp.resolve("pg");
        // What the previous version made: zonky's defaults, trust for every local connection.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setRegisterShutdownHook(false).start();
             Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE probe (id serial PRIMARY KEY)");
            s.execute("INSERT INTO probe DEFAULT VALUES");
        }
        assertThat(Files.readString(dataDir.resolve("pg_hba.conf"))).contains("trust");

        Matcher first = ready(start(dataDir));
        assertThat(first.group(1)).as("the old row is still there").isEqualTo("2");
        int port = Integer.parseInt(first.group(2));
        String password = Files.readString(tmp.resolve("pg.password")).trim();
        assertRequiresPassword(port, password);
        assertThat(Files.readAllLines(dataDir.resolve("pg_hba.conf")))
                .noneMatch(l -> !l.startsWith("#") && l.trim().endsWith("trust"));

        // The next start finds a cluster that wants the password it has.
        children.get(0).destroy();
        children.get(0).waitFor(30, TimeUnit.SECONDS);
        assertThat(ready(start(dataDir)).group(1)).isEqualTo("3");
    }

    private static void assertRequiresPassword(int port, String password) {
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres", "").close()).isInstanceOf(SQLException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> connect(port, password + "x").close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    private static Connection connect(int port, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", password);
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private Process start(Path dataDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EmbeddedPostgresProbe.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    /** The probe's READY line (rows, port); fails when the process ends without one; a minute at most. */
    private static Matcher ready(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> said = new ArrayList<>();
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    said.add(l);
                    if (l.startsWith("READY")) {
                        return l;
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(line).as("the probe said:%n%s", String.join("\n", said)).isNotNull();
        Matcher m = READY.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        return m;
    }

    private static boolean postgresRunningOn(Path dataDir) {
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine()
                .map(c -> c.contains("postgres") && c.contains(dataDir.toString())).orElse(false));
    }
}
