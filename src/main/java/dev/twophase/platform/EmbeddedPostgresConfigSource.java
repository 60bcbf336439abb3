package dev.twophase.platform;

import io.quarkus.runtime.ExecutionMode;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/** Datasource settings pointing at the embedded server, which starts on the first read of the URL. */
final class EmbeddedPostgresConfigSource implements ConfigSource {

    private static final String URL = "quarkus.datasource.jdbc.url";
    private static final String USERNAME = "quarkus.datasource.username";
    private static final String PASSWORD = "quarkus.datasource.password";
    private static final Set<String> NAMES = Set.of(URL, USERNAME, PASSWORD);

    private final EmbeddedPostgresSettings settings;

    EmbeddedPostgresConfigSource(EmbeddedPostgresSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<String> getPropertyNames() {
        return NAMES;
    }

    @Override
    public Map<String, String> getProperties() {
        // Listing the properties must neither start a server nor create its password file.
        return Map.of(USERNAME, EmbeddedPostgresServer.USER);
    }

    @Override
    public String getValue(String name) {
        // The build (augmentation) reads config too: it must neither start a server nor see a URL or a
        // password, or Quarkus bakes them into the application as defaults (and creates files on the
        // build machine).
        boolean building = ExecutionMode.current() == ExecutionMode.UNSET;
        return switch (name) {
            case URL -> building ? null : EmbeddedPostgresServer.jdbcUrl(settings);
            case USERNAME -> EmbeddedPostgresServer.USER;
            case PASSWORD -> building ? null : EmbeddedPostgresServer.password(settings);
            default -> null;
        };
    }

    @Override
    public String getName() {
        return "twophase-embedded-postgresql";
    }

    @Override
    public int getOrdinal() {
        return 10;
    }
}
