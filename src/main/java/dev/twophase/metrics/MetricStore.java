package dev.twophase.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes metric points ({@link MetricQuery} reads them). Writes are batched through {@code unnest} arrays and
 * idempotent on (run, name, layer, step): re-sending a point with the same value changes nothing.
 */
@ApplicationScoped
public class MetricStore {

    static final int ROWS_PER_STATEMENT = 10_000;

    // The WHERE on the update makes an identical re-send a no-op (not even recorded_at moves).
    private static final String UPSERT = """
            INSERT INTO metric_point (run_id, name, layer, step, value)
            SELECT ?, t.name, t.layer, t.step, t.value
              FROM unnest(?::text[], ?::int[], ?::bigint[], ?::float8[]) AS t(name, layer, step, value)
            ON CONFLICT (run_id, name, layer, step) DO UPDATE
               SET value = excluded.value, recorded_at = now()
             WHERE metric_point.value IS DISTINCT FROM excluded.value""";

    private static final String DELETE_RUN = "DELETE FROM metric_point WHERE run_id = ?";

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry registry;

    private Counter pointsWritten;
    private Timer writeLatency;

    @jakarta.annotation.PostConstruct
    void meters() {
        pointsWritten = Counter.builder("twophase.metric.points.written")
                .description("Metric points inserted or changed").register(registry);
        writeLatency = Timer.builder("twophase.metric.write")
                .description("Latency of one metric batch write").register(registry);
    }

    /**
     * Upserts points of one run; duplicates inside the batch keep the last value.
     *
     * @return rows inserted or changed (0 when everything was already stored)
     */
    public long write(UUID runId, Collection<MetricPoint> points) {
        if (points.isEmpty()) {
            return 0;
        }
        List<MetricPoint> unique = lastValuePerKey(points);
        return writeLatency.record(() -> {
            long changed = 0;
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
                for (int from = 0; from < unique.size(); from += ROWS_PER_STATEMENT) {
                    List<MetricPoint> chunk = unique.subList(from, Math.min(unique.size(), from + ROWS_PER_STATEMENT));
                    bind(c, ps, runId, chunk);
                    changed += ps.executeUpdate();
                }
            } catch (SQLException e) {
                throw new MetricStoreException("writing " + unique.size() + " points of run " + runId + " failed: "
                        + e.getMessage(), e);
            }
            pointsWritten.increment(changed);
            return changed;
        });
    }

    /** The state of a run, or empty when there is no such run. */
    public java.util.Optional<String> runState(UUID runId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT state FROM run WHERE id = ?")) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw new MetricStoreException("reading run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    /** Removes every point of a run (a run that restarts from step 0 rewrites its series). */
    public void deleteRun(UUID runId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE_RUN)) {
            ps.setObject(1, runId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new MetricStoreException("deleting points of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    private static void bind(Connection c, PreparedStatement ps, UUID runId, List<MetricPoint> chunk) throws SQLException {
        int n = chunk.size();
        String[] names = new String[n];
        Integer[] layers = new Integer[n];
        Long[] steps = new Long[n];
        Double[] values = new Double[n];
        for (int i = 0; i < n; i++) {
            MetricPoint p = chunk.get(i);
            names[i] = p.name();
            layers[i] = p.layer();
            steps[i] = p.step();
            values[i] = p.value();
        }
        ps.setObject(1, runId);
        ps.setArray(2, c.createArrayOf("text", names));
        ps.setArray(3, c.createArrayOf("int4", layers));
        ps.setArray(4, c.createArrayOf("int8", steps));
        ps.setArray(5, c.createArrayOf("float8", values));
    }

    private static List<MetricPoint> lastValuePerKey(Collection<MetricPoint> points) {
        Map<Key, MetricPoint> byKey = new LinkedHashMap<>();
        for (MetricPoint p : points) {
            byKey.put(new Key(p.name(), p.layer(), p.step()), p);
        }
        return new ArrayList<>(byKey.values());
    }

    private record Key(String name, int layer, long step) {
    }
}
