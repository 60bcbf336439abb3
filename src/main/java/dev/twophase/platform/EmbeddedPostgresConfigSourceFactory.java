package dev.twophase.platform;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.util.List;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies the datasource settings of the embedded default: when no JDBC URL is configured
 * (QUARKUS_DATASOURCE_JDBC_URL, -Dquarkus.datasource.jdbc.url, application.properties), a real
 * PostgreSQL is started from the zonky binaries the first time the URL is read at run time.
 * Decided at start-up, not at build time, so users can choose where their data lives
 * (DL4J-NOTES.md, "Embedded PostgreSQL, option 2").
 */
public final class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    static final String DATA_DIR = "twophase.embedded-postgres.data-dir";
    static final String EPHEMERAL = "twophase.embedded-postgres.ephemeral";
    static final String PORT = "twophase.embedded-postgres.port";
    /** Set by {@link Main} for the token CLI: share the server of a twophase already running on the data directory. */
    static final String ATTACH = "twophase.embedded-postgres.attach";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue url = context.getValue("quarkus.datasource.jdbc.url");
        if (url != null && url.getValue() != null && !url.getValue().isBlank()) {
            return List.of();
        }
        String dataDir = valueOr(context, DATA_DIR, "data/postgres");
        boolean ephemeral = Boolean.parseBoolean(valueOr(context, EPHEMERAL, "false"));
        int port = Integer.parseInt(valueOr(context, PORT, "0"));
        boolean attach = Boolean.parseBoolean(valueOr(context, ATTACH, "false"));
        return List.of(new EmbeddedPostgresConfigSource(new EmbeddedPostgresSettings(dataDir, ephemeral, port, attach)));
    }

    @Override
    public OptionalInt getPriority() {
        // Below every user-facing source: anything the user configures wins.
        return OptionalInt.of(10);
    }

    private static String valueOr(ConfigSourceContext context, String name, String fallback) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? fallback : value.getValue();
    }
}
