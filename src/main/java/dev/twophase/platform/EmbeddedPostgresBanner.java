package dev.twophase.platform;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Says at start-up where the embedded default keeps its data, so users can find and move it. */
@ApplicationScoped
public class EmbeddedPostgresBanner {

    void announce(@Observes StartupEvent event) {
        EmbeddedPostgresServer.current().ifPresent(pg -> Log.infof(
                "embedded PostgreSQL on port %d, data directory %s (set twophase.embedded-postgres.data-dir to move "
                        + "it, or QUARKUS_DATASOURCE_JDBC_URL to use your own server)", pg.port(), pg.dataDir()));
    }
}
