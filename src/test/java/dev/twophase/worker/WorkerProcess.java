package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.RunQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.postgresql.ds.PGSimpleDataSource;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

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
        RunQueue queue = inject(new RunQueue(), db, registry);
        MetricStore store = inject(new MetricStore(), db, registry);
        Method meters = MetricStore.class.getDeclaredMethod("meters");
        meters.setAccessible(true);
        meters.invoke(store);
        CheckpointStore checkpoints = inject(new CheckpointStore(), db, registry);
        TwophaseConfig.Worker config = workerConfig(Integer.parseInt(args[2]), Duration.ofSeconds(Long.parseLong(args[3])));
        TwophaseConfig.Queue queueConfig = new TwophaseConfig.Queue() {
            public Duration reaperInterval() { return Duration.ofSeconds(1); }
            public Duration retryBackoff() { return Duration.ZERO; }
        };
        Worker worker = new Worker(args[1], queue, store, checkpoints, EngineProducer.forName("direct"), config,
                queueConfig, registry, new ObjectMapper());
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

    static <T> T inject(T bean, Object... values) throws IllegalAccessException {
        for (Field f : bean.getClass().getDeclaredFields()) {
            for (Object v : values) {
                if (f.getType().isInstance(v)) {
                    f.setAccessible(true);
                    f.set(bean, v);
                }
            }
        }
        return bean;
    }

    static TwophaseConfig.Worker workerConfig(int checkpointEvery, Duration lease) {
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
