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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    // Uploads to one run wait for each other here, so their series are counted one after the other.
    private static final String LOCK_RUN = "SELECT 1 FROM run WHERE id = ? FOR UPDATE";

    private static final String DELETE_AFTER = "DELETE FROM metric_point WHERE run_id = ? AND step > ?";

    // Held until commit: the reaper (and a new claim) wait for this transaction, so points written
    // under a lease are in before the run can change hands, and none are written after.
    private static final String LOCK_OWNED_RUN = """
            SELECT 1 FROM run WHERE id = ? AND worker_id = ? AND attempt = ? AND state = 'running' FOR SHARE""";

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
     * Upserts points of one run in one transaction: all of them are stored or none (a request cut off
     * half-way, or a failing statement, leaves nothing behind). Duplicates inside the batch keep the
     * last value. Uploads to one run are serialised, so two of them cannot together pass the series limit.
     *
     * @param maxSeries the most series (name, layer) the run may have after the write
     * @return rows inserted or changed (0 when everything was already stored)
     * @throws SeriesLimitException when the write would give the run more than {@code maxSeries} series
     */
    public long write(UUID runId, Collection<MetricPoint> points, int maxSeries) {
        if (points.isEmpty()) {
            return 0;
        }
        List<MetricPoint> unique = lastValuePerKey(points);
        return writeLatency.record(() -> {
            long changed;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    checkSeriesLimit(c, runId, unique, maxSeries);
                    changed = upsert(c, runId, unique);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new MetricStoreException("writing " + unique.size() + " points of run " + runId + " failed: "
                        + e.getMessage(), e);
            }
            pointsWritten.increment(changed);
            return changed;
        });
    }

    /** Locks the run (until commit) and counts the series it would have with {@code points} added. */
    private static void checkSeriesLimit(Connection c, UUID runId, List<MetricPoint> points, int maxSeries)
            throws SQLException {
        try (PreparedStatement lock = c.prepareStatement(LOCK_RUN)) {
            lock.setObject(1, runId);
            lock.executeQuery().close();
        }
        Set<SeriesKey> series = new HashSet<>();
        for (MetricSeries s : MetricQuery.seriesOf(c, runId)) {
            series.add(new SeriesKey(s.name(), s.layer()));
        }
        int before = series.size();
        for (MetricPoint p : points) {
            if (series.add(new SeriesKey(p.name(), p.layer())) && series.size() > maxSeries) {
                throw new SeriesLimitException(before, maxSeries);
            }
        }
    }

    /** Upserts in statements of at most {@link #ROWS_PER_STATEMENT} rows, inside the caller's transaction. */
    private static long upsert(Connection c, UUID runId, List<MetricPoint> unique) throws SQLException {
        long changed = 0;
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (int from = 0; from < unique.size(); from += ROWS_PER_STATEMENT) {
                List<MetricPoint> chunk = unique.subList(from, Math.min(unique.size(), from + ROWS_PER_STATEMENT));
                bind(c, ps, runId, chunk);
                changed += ps.executeUpdate();
            }
        }
        return changed;
    }

    /**
     * Like {@link #write}, for the worker holding the run's lease: writes nothing and returns false
     * when (workerId, attempt) no longer holds it, so a worker that lost its lease cannot add points.
     */
    public boolean writeFenced(UUID runId, String workerId, int attempt, Collection<MetricPoint> points) {
        List<MetricPoint> unique = lastValuePerKey(points);
        return writeLatency.record(() -> fenced(runId, workerId, attempt,
                c -> pointsWritten.increment(upsert(c, runId, unique))));
    }

    /**
     * Removes the run's points after {@code step} (all of them for -1), for the worker holding its lease:
     * a resumed attempt recomputes everything after its checkpoint. False when the lease is gone.
     */
    public boolean deleteAfterFenced(UUID runId, String workerId, int attempt, long step) {
        return fenced(runId, workerId, attempt, c -> {
            try (PreparedStatement ps = c.prepareStatement(DELETE_AFTER)) {
                ps.setObject(1, runId);
                ps.setLong(2, step);
                ps.executeUpdate();
            }
        });
    }

    private boolean fenced(UUID runId, String workerId, int attempt, SqlWork work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement(LOCK_OWNED_RUN)) {
                    lock.setObject(1, runId);
                    lock.setString(2, workerId);
                    lock.setInt(3, attempt);
                    try (ResultSet rs = lock.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return false;
                        }
                    }
                }
                work.run(c);
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new MetricStoreException("fenced write for run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface SqlWork {
        void run(Connection connection) throws SQLException;
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

    private record SeriesKey(String name, int layer) {
    }
}
