package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.spec.SpecLimits;
import dev.twophase.experiment.spec.SpecValidator;
import dev.twophase.experiment.spec.ValidationResult;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.RunQueue;
import dev.twophase.training.TrainingEngineFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A child JVM for the fault tests: one {@link Worker} on the database at args[0] (worker id args[1],
 * checkpoint every args[2] steps, lease args[3] seconds), wired by hand from the production classes.
 * A JVM shutdown hook does what the service does on SIGTERM: stop, let the worker checkpoint and
 * release, wait at most the shutdown grace.
 */
public final class WorkerProcess {

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setUrl(args[0]);
        db.setUser("postgres");
        db.setPassword("postgres");
        db.setConnectTimeout(2);
        db.setSocketTimeout(10);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RunQueue queue = new RunQueue(db);
        MetricStore store = new MetricStore(db, registry);
        CheckpointStore checkpoints = new CheckpointStore(db);
        TwophaseConfig.Worker config = workerConfig(Integer.parseInt(args[2]), Duration.ofSeconds(Long.parseLong(args[3])));
        Worker worker = new Worker(args[1], queue, store, checkpoints, engines(), config, queueConfig(), registry,
                new ObjectMapper());
        AtomicBoolean stopping = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                main.join(config.shutdownGrace().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.out.println("WORKER READY " + args[1]);
        worker.loop(stopping::get);
    }

    /** The direct engine, as the service's default worker trains. */
    public static TrainingEngineFactory engines() {
        return EngineProducer.forName("direct");
    }

    /** Retries at once and a reaper every second: the fault tests want no waiting. */
    public static TwophaseConfig.Queue queueConfig() {
        return new TwophaseConfig.Queue() {
            public Duration reaperInterval() { return Duration.ofSeconds(1); }
            public Duration retryBackoff() { return Duration.ZERO; }
        };
    }

    /**
     * An experiment with one queued cpu run of a tiny model (add mod 7, one block of width 16), its spec
     * stored as the service stores it (validated, defaults filled in).
     */
    public static UUID enqueue(DataSource db, long steps, int every, int maxAttempts) throws SQLException, IOException {
        UUID experiment = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        String spec = """
                {"name": "fault", "external": false,
                 "task": {"type": "modular", "operation": "add", "modulus": 7, "trainFraction": 0.5, "seed": 1},
                 "model": {"type": "transformer", "layers": 1, "dModel": 16, "heads": 2, "dMlp": 32, "activation": "gelu"},
                 "optimizer": {"type": "adamw", "learningRate": 3e-3, "weightDecay": 1.0, "beta1": 0.9, "beta2": 0.98, "warmupSteps": 10},
                 "training": {"steps": %d, "batchSize": 8, "seed": 42},
                 "measures": {"every": %d, "mutualInformation": {"estimator": "binning", "bins": 30}},
                 "resources": {"device": "cpu", "priority": 0, "maxAttempts": %d}}""".formatted(steps, every, maxAttempts);
        ObjectMapper json = new ObjectMapper();
        ValidationResult validated = new SpecValidator(SpecLimits.defaults()).validate(json.readTree(spec));
        if (!validated.valid()) {
            throw new IllegalArgumentException("the fault tests' spec is invalid: " + validated.violations());
        }
        spec = json.writeValueAsString(validated.spec());
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO experiment (id, name, spec) VALUES (?, 'fault', ?::jsonb)")) {
                ps.setObject(1, experiment);
                ps.setString(2, spec);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO run (id, experiment_id, spec, state, device, max_attempts, total_steps)
                    VALUES (?, ?, ?::jsonb, 'queued', 'cpu', ?, ?)""")) {
                ps.setObject(1, run);
                ps.setObject(2, experiment);
                ps.setString(3, spec);
                ps.setInt(4, maxAttempts);
                ps.setLong(5, steps);
                ps.executeUpdate();
            }
        }
        return run;
    }

    public static TwophaseConfig.Worker workerConfig(int checkpointEvery, Duration lease) {
        return new TwophaseConfig.Worker() {
            public String device() { return "cpu"; }
            public int threads() { return 1; }
            public String engine() { return "direct"; }
            public Duration lease() { return lease; }
            public Duration heartbeatInterval() { return Duration.ofMillis(250); }
            public Duration pollInterval() { return Duration.ofMillis(100); }
            public Duration flushInterval() { return Duration.ofMillis(200); }
            public int flushPoints() { return 5000; }
            public int checkpointEvery() { return checkpointEvery; }
            public Duration shutdownGrace() { return Duration.ofSeconds(20); }
            public Duration maxRetryDelay() { return Duration.ofSeconds(1); }
        };
    }
}
