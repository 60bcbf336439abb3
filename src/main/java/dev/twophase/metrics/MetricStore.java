package dev.twophase.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Array;
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
 * Writes and reads metric points. Writes are batched through {@code unnest} arrays and
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

    /*
     * Downsampling in one pass: series with at most maxPoints points come back whole; longer
     * ones are cut into step buckets and keep each bucket's lowest and highest value (min/max
     * over [value, step] arrays: a hash aggregate, no sort) plus the first and last point.
     */
    private static final String QUERY = """
            WITH pts AS MATERIALIZED (
                SELECT name, layer, step, value FROM metric_point
                 WHERE run_id = ?
                   AND (?::text[] IS NULL OR name = ANY (?::text[]))
                   AND (?::int IS NULL OR layer = ?::int)
                   AND step BETWEEN ? AND ?),
            bounds AS (
                SELECT name, layer, min(step) AS first_step, max(step) AS last_step, count(*) AS n
                  FROM pts GROUP BY name, layer),
            extremes AS (
                SELECT p.name, p.layer,
                       min(ARRAY[p.value, p.step::float8]) AS lowest,
                       max(ARRAY[p.value, p.step::float8]) AS highest
                  FROM pts p JOIN bounds b USING (name, layer)
                 WHERE b.n > ?
                 GROUP BY p.name, p.layer, width_bucket(p.step, b.first_step, b.last_step + 1, ?)),
            picked AS (
                SELECT p.name, p.layer, p.step, p.value
                  FROM pts p JOIN bounds b USING (name, layer)
                 WHERE b.n <= ? OR p.step = b.first_step OR p.step = b.last_step
                UNION
                SELECT name, layer, lowest[2]::bigint, lowest[1] FROM extremes
                UNION
                SELECT name, layer, highest[2]::bigint, highest[1] FROM extremes)
            SELECT name, layer, step, value FROM picked ORDER BY name, layer, step""";

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

    /** Every point of the named series of a run at full resolution, one entry per layer, in step order. */
    public List<FullSeries> readFull(UUID runId, String name) {
        Map<Integer, List<double[]>> rows = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT layer, step, value FROM metric_point WHERE run_id = ? AND name = ? ORDER BY layer, step")) {
            ps.setObject(1, runId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>())
                            .add(new double[]{rs.getLong(2), rs.getDouble(3)});
                }
            }
        } catch (SQLException e) {
            throw new MetricStoreException("reading " + name + " of run " + runId + " failed: " + e.getMessage(), e);
        }
        List<FullSeries> series = new ArrayList<>();
        rows.forEach((layer, points) -> {
            long[] steps = new long[points.size()];
            double[] values = new double[points.size()];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = (long) points.get(i)[0];
                values[i] = points.get(i)[1];
            }
            series.add(new FullSeries(layer, steps, values));
        });
        return series;
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

    /**
     * Series of a run, downsampled in SQL to at most {@code maxPoints} points each.
     *
     * @param names empty for every series; layer null for every layer
     */
    public List<MetricSeries> query(UUID runId, List<String> names, Integer layer, long fromStep, long toStep,
                                    int maxPoints) {
        if (maxPoints < 4) {
            throw new IllegalArgumentException("maxPoints must be at least 4 (first, last and one bucket's extremes)");
        }
        int buckets = (maxPoints - 2) / 2;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(QUERY)) {
            Array nameArray = names.isEmpty() ? null : c.createArrayOf("text", names.toArray());
            ps.setObject(1, runId);
            ps.setArray(2, nameArray);
            ps.setArray(3, nameArray);
            setNullableInt(ps, 4, layer);
            setNullableInt(ps, 5, layer);
            ps.setLong(6, fromStep);
            ps.setLong(7, toStep);
            ps.setInt(8, maxPoints);
            ps.setInt(9, buckets);
            ps.setInt(10, maxPoints);
            return collect(ps);
        } catch (SQLException e) {
            throw new MetricStoreException("querying metrics of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    private static List<MetricSeries> collect(PreparedStatement ps) throws SQLException {
        Map<String, MetricSeries> series = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                int layer = rs.getInt(2);
                series.computeIfAbsent(name + '\u0000' + layer, k -> new MetricSeries(name, layer, new ArrayList<>()))
                        .points().add(new double[]{rs.getLong(3), rs.getDouble(4)});
            }
        }
        return new ArrayList<>(series.values());
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

    private static void setNullableInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    private record Key(String name, int layer, long step) {
    }
}
