package dev.twophase.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.metrics.MetricStore;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.RunQueue;
import dev.twophase.worker.Worker;
import dev.twophase.worker.WorkerProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A child JVM for {@link EmbeddedStopOrderTest}: the embedded default as the service runs it (the
 * embedded server on the data directory in args[0], with its stop hook) and one worker training a
 * run. Its own shutdown hook stands for Quarkus' on SIGTERM: stop the worker pool (which flushes,
 * checkpoints and releases), then tell the embedded server the application is done, as the
 * ShutdownEvent observers do (WorkerPool.stop, then EmbeddedPostgresLifecycle.release).
 */
public final class StopOrderProcess {

    public static void main(String[] args) throws Exception {
        EmbeddedPostgresSettings settings = new EmbeddedPostgresSettings(args[0], false, 0, false);
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings);
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setUrl(server.jdbcUrl());
        db.setUser(EmbeddedPostgresServer.USER);
        db.setPassword(EmbeddedPostgresServer.password(settings));
        db.setConnectTimeout(2);
        db.setSocketTimeout(10);
        Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
        UUID run = WorkerProcess.enqueue(db, 1_000_000, 50, 3);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RunQueue queue = new RunQueue(db);
        MetricStore store = new MetricStore(db, registry);
        CheckpointStore checkpoints = new CheckpointStore(db);
        var config = WorkerProcess.workerConfig(1000, Duration.ofSeconds(30));
        Worker worker = new Worker("stop-order", queue, store, checkpoints, WorkerProcess.engines(), config,
                WorkerProcess.queueConfig(), registry, new ObjectMapper());

        EmbeddedPostgresServer.inUse();
        AtomicBoolean stopping = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                main.join(config.shutdownGrace().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // (java.util.logging resets its handlers in a hook of its own: say it on stdout.)
            System.out.println("APPLICATION STOPPED: worker " + (main.isAlive() ? "still running" : "done"));
            EmbeddedPostgresServer.released();
        }, "application-stop"));
        System.out.println("RUN " + run + " PORT " + server.port());
        worker.loop(stopping::get);
    }
}
