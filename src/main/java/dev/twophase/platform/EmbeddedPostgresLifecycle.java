package dev.twophase.platform;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Keeps the embedded server up until the application has stopped using it (the server's own start line says
 * where the data lives).
 */
@ApplicationScoped
public class EmbeddedPostgresLifecycle {

    /**
     * Observers of ShutdownEvent run in ascending priority; this one runs after every other, in
     * particular after the worker pool has flushed, checkpointed and released its runs.
     */
    static final int LAST = Integer.MAX_VALUE;

    void announce(@Observes StartupEvent event) {
        EmbeddedPostgresServer.inUse();
    }

    void release(@Observes @Priority(LAST) ShutdownEvent event) {
        EmbeddedPostgresServer.released();
    }
}
