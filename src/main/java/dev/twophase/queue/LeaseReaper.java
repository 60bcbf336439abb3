package dev.twophase.queue;

import dev.twophase.platform.TwophaseConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;

/**
 * Periodically returns runs with expired leases to the queue (any role may run it: the update
 * is idempotent) and refreshes the queue-depth gauges.
 */
@ApplicationScoped
public class LeaseReaper {

    /** The device classes of the run table's run_device_known constraint that workers claim. */
    static final List<String> DEVICE_CLASSES = List.of("cpu", "gpu");

    @Inject
    RunQueue queue;
    @Inject
    TwophaseConfig config;
    @Inject
    MeterRegistry registry;

    private MultiGauge depth;
    private MultiGauge oldestAge;

    @PostConstruct
    void gauges() {
        depth = MultiGauge.builder("twophase.queue.runs")
                .description("Runs by state and device class").register(registry);
        oldestAge = MultiGauge.builder("twophase.queue.oldest.age").baseUnit("seconds")
                .description("How long the oldest claimable queued run of a device class has waited (0: none)")
                .register(registry);
    }

    @Scheduled(every = "${twophase.queue.reaper-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void reapAndMeasure() {
        try {
            int reaped = queue.reapExpiredLeases(config.queue().retryBackoff());
            if (reaped > 0) {
                Log.warnf("ended the attempts of %d run(s) with expired leases (back to the queue, or failed or "
                        + "cancelled for good)", reaped);
            }
            List<QueueCount> counts = queue.counts();
            depth.register(counts.stream()
                    .map(c -> MultiGauge.Row.of(Tags.of("state", c.state(), "device", c.device()), c.count()))
                    .toList(), true);
            Map<String, Double> ages = queue.oldestQueuedAgeSeconds();
            // Every device class gets a row, so "no queue" reads 0 rather than no data.
            oldestAge.register(DEVICE_CLASSES.stream()
                    .map(d -> MultiGauge.Row.of(Tags.of("device", d), ages.getOrDefault(d, 0.0)))
                    .toList(), true);
        } catch (QueueException e) {
            Log.warnf("lease reaper: %s", e.getMessage());
        }
    }
}
