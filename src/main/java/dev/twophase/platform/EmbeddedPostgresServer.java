package dev.twophase.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL of the default setup: one server per JVM and data directory, stopped
 * at JVM exit. A test JVM that restarts Quarkus reuses the server it already started.
 */
public final class EmbeddedPostgresServer {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private static EmbeddedPostgresServer current;
    /** Kept referenced so the data-directory lock lives as long as the JVM. */
    @SuppressWarnings("unused")
    private static FileLock dataDirectoryLock;

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
            Path dir = Path.of(settings.dataDir()).toAbsolutePath().normalize();
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
        try {
            Path dir = settings.ephemeral()
                    ? Files.createTempDirectory("twophase-postgres-")
                    : Path.of(settings.dataDir()).toAbsolutePath().normalize();
            Files.createDirectories(dir);
            if (!settings.ephemeral()) {
                claimDataDirectory(dir);
            }
            long started = System.nanoTime();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(settings.ephemeral())
                    .setPort(settings.port())
                    .setServerConfig("max_connections", "100")
                    .setRegisterShutdownHook(false)
                    .start();
            current = new EmbeddedPostgresServer(postgres, dir, settings.ephemeral());
            Runtime.getRuntime().addShutdownHook(new Thread(current::stop, "embedded-postgres-stop"));
            System.err.printf("twophase: embedded PostgreSQL started in %d ms on port %d, data directory %s%s%n",
                    (System.nanoTime() - started) / 1_000_000, postgres.getPort(), dir,
                    settings.ephemeral() ? " (temporary)" : "");
            return current;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + settings.dataDir()
                    + " (set QUARKUS_DATASOURCE_JDBC_URL to use an existing server)", e);
        }
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

    public String jdbcUrl() {
        return jdbcUrl(port());
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return postgres.getPort();
    }

    private void stop() {
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
