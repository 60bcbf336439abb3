package dev.twophase.platform.security;

import dev.twophase.platform.EmbeddedPostgresServer;
import dev.twophase.platform.TwophaseConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The embedded default needs a token too, but never a well-known one: on a start that finds no
 * token anywhere, it creates a submitter token, saves it to a file only this user can read, and
 * prints both. With an external database an operator creates tokens with the CLI instead.
 */
@ApplicationScoped
public class TokenBootstrap {

    static final String TOKEN_NAME = "bootstrap";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    @Inject
    TwophaseConfig config;
    @Inject
    ApiTokens tokens;

    void bootstrap(@Observes StartupEvent event) {
        if (!config.role().runsApi() || tokens.activeCount() > 0) {
            return;
        }
        var embedded = EmbeddedPostgresServer.current();
        if (embedded.isEmpty() || !config.auth().bootstrap()) {
            Log.warn("no API token exists: every /api request will be refused (401). Create one with "
                    + "'java -jar quarkus-run.jar token create <name> --role submitter'");
            return;
        }
        Path file = tokenFile(config).orElseThrow();
        String token = tokens.create(TOKEN_NAME, ApiRole.submitter);
        save(file, token);
        Log.infof("""
                created the first API token (role submitter), saved to %s (mode 0600):
                  %s
                use it as: curl -H "Authorization: Bearer $(cat %s)" localhost:%s/api/v1/queue""",
                file, token, file, System.getProperty("quarkus.http.port", "8080"));
    }

    /** Where the first-start token is (or would be) saved: the configured file, else beside the embedded data directory. */
    public static java.util.Optional<Path> tokenFile(TwophaseConfig config) {
        return config.auth().tokenFile().map(Path::of)
                .or(() -> EmbeddedPostgresServer.current().map(pg -> pg.dataDir().resolveSibling("api-token")))
                .map(Path::toAbsolutePath);
    }

    private static void save(Path file, String token) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.setPosixFilePermissions(file, OWNER_ONLY); // the umask may have narrowed it; never widened
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the API token to " + file, e);
        }
    }
}
