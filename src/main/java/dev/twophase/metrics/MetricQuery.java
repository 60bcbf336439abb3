package dev.twophase.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reads series, downsampled in SQL. Everything but the bucket aggregate walks the primary key
 * (run_id, name, layer, step), so a series is read at most once, and only when it is longer
 * than the points asked for.
 */
@ApplicationScoped
public class MetricQuery {

    // Loose index scan: one primary-key probe per distinct (name, layer) instead of reading every point.
    private static final String SERIES_OF_RUN = """
            WITH RECURSIVE s AS (
                (SELECT name, layer FROM metric_point WHERE run_id = ? ORDER BY name, layer LIMIT 1)
                UNION ALL
                SELECT n.name, n.layer FROM s, LATERAL (
                    SELECT name, layer FROM metric_point
                     WHERE run_id = ? AND (name, layer) > (s.name, s.layer)
                     ORDER BY name, layer LIMIT 1) n)
            SELECT name, layer FROM s""";

    private static final String IN_SERIES = "run_id = ? AND name = ? AND layer = ? AND step BETWEEN ? AND ?";
    private static final String FIRST = "SELECT step, value FROM metric_point WHERE " + IN_SERIES + " ORDER BY step LIMIT 1";
    private static final String LAST = "SELECT step, value FROM metric_point WHERE " + IN_SERIES + " ORDER BY step DESC LIMIT 1";
    private static final String COUNT_UP_TO = "SELECT count(*) FROM (SELECT 1 FROM metric_point WHERE " + IN_SERIES + " LIMIT ?) t";
    private static final String POINTS = "SELECT step, value FROM metric_point WHERE " + IN_SERIES + " ORDER BY step";

    // Every k-th point by rank (the first among them), and the last.
    private static final String THINNED = """
            SELECT step, value FROM (
                SELECT step, value, row_number() OVER (ORDER BY step) - 1 AS i, count(*) OVER () AS n
                  FROM metric_point WHERE %s) t
             WHERE i %% ? = 0 OR i = n - 1 ORDER BY step""".formatted(IN_SERIES);

    // Each step bucket keeps its lowest and highest value: min/max over [value, step] arrays is a
    // hash aggregate in one pass, no sort.
    private static final String EXTREMES = """
            SELECT min(ARRAY[value, step::float8]), max(ARRAY[value, step::float8])
              FROM metric_point WHERE %s
             GROUP BY width_bucket(step, ?, ?, ?)""".formatted(IN_SERIES);

    @Inject
    DataSource dataSource;

    /**
     * Series of a run with at most {@code maxPoints} points each: the first and last point of the
     * step range and, per bucket of {@code (maxPoints - 2) / 2}, the lowest and highest value.
     *
     * @param names empty for every series; layer null for every layer
     */
    public List<MetricSeries> query(UUID runId, List<String> names, Integer layer, long fromStep, long toStep,
                                    int maxPoints) {
        if (maxPoints < 4) {
            throw new IllegalArgumentException("maxPoints must be at least 4 (first, last and one bucket's extremes)");
        }
        try (Connection c = dataSource.getConnection()) {
            List<MetricSeries> result = new ArrayList<>();
            for (MetricSeries s : seriesOf(c, runId)) {
                if ((names.isEmpty() || names.contains(s.name())) && (layer == null || layer == s.layer())) {
                    List<double[]> points = downsample(c, runId, s.name(), s.layer(), fromStep, toStep, maxPoints);
                    if (!points.isEmpty()) {
                        result.add(new MetricSeries(s.name(), s.layer(), points));
                    }
                }
            }
            return result;
        } catch (SQLException e) {
            throw new MetricStoreException("querying metrics of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Every point of the named series of a run at full resolution, read over one connection:
     * per name, one entry per layer in layer order, points in step order (absent names map to none).
     */
    public Map<String, List<FullSeries>> readFull(UUID runId, Collection<String> names) {
        Map<String, List<FullSeries>> byName = new HashMap<>();
        names.forEach(n -> byName.put(n, new ArrayList<>()));
        try (Connection c = dataSource.getConnection()) {
            for (MetricSeries s : seriesOf(c, runId)) {
                List<FullSeries> series = byName.get(s.name());
                if (series != null) {
                    series.add(full(s.layer(), points(c, runId, s.name(), s.layer(), 0, Long.MAX_VALUE)));
                }
            }
            return byName;
        } catch (SQLException e) {
            throw new MetricStoreException("reading " + names + " of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Like {@link #readFull}, bounded whatever the run holds: at most {@code maxSeries} series (the first in
     * name and layer order), each thinned to at most about {@code maxPoints} points by keeping every k-th
     * by rank, the first and the last. Two series recorded at the same steps (mi_tx and mi_ty) keep the same
     * steps, so they still pair up.
     */
    public Map<String, List<FullSeries>> readBounded(UUID runId, Collection<String> names, int maxSeries, int maxPoints) {
        Map<String, List<FullSeries>> byName = new HashMap<>();
        names.forEach(n -> byName.put(n, new ArrayList<>()));
        try (Connection c = dataSource.getConnection()) {
            int read = 0;
            for (MetricSeries s : seriesOf(c, runId)) {
                List<FullSeries> series = byName.get(s.name());
                if (series != null && read++ < maxSeries) {
                    long n = count(c, runId, s.name(), s.layer(), 0, Long.MAX_VALUE, Integer.MAX_VALUE);
                    List<double[]> points = n <= maxPoints ? points(c, runId, s.name(), s.layer(), 0, Long.MAX_VALUE)
                            : thinned(c, runId, s.name(), s.layer(), (n + maxPoints - 1) / maxPoints);
                    series.add(full(s.layer(), points));
                }
            }
            return byName;
        } catch (SQLException e) {
            throw new MetricStoreException("reading " + names + " of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    private static List<double[]> thinned(Connection c, UUID runId, String name, int layer, long every)
            throws SQLException {
        List<double[]> points = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(THINNED)) {
            ps.setInt(bind(ps, runId, name, layer, 0, Long.MAX_VALUE), (int) Math.min(Integer.MAX_VALUE, every));
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    points.add(new double[]{rs.getLong(1), rs.getDouble(2)});
                }
            }
        }
        return points;
    }

    private static FullSeries full(int layer, List<double[]> points) {
        long[] steps = new long[points.size()];
        double[] values = new double[points.size()];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = (long) points.get(i)[0];
            values[i] = points.get(i)[1];
        }
        return new FullSeries(layer, steps, values);
    }

    /** The (name, layer) of every series a run has, without points. */
    public List<MetricSeries> seriesOf(UUID runId) {
        try (Connection c = dataSource.getConnection()) {
            return seriesOf(c, runId);
        } catch (SQLException e) {
            throw new MetricStoreException("listing the series of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    static List<MetricSeries> seriesOf(Connection c, UUID runId) throws SQLException {
        List<MetricSeries> series = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SERIES_OF_RUN)) {
            ps.setObject(1, runId);
            ps.setObject(2, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    series.add(new MetricSeries(rs.getString(1), rs.getInt(2), List.of()));
                }
            }
        }
        return series;
    }

    private static List<double[]> downsample(Connection c, UUID runId, String name, int layer, long from, long to,
                                             int maxPoints) throws SQLException {
        if (count(c, runId, name, layer, from, to, maxPoints + 1) <= maxPoints) {
            return points(c, runId, name, layer, from, to);
        }
        double[] first = endpoint(c, FIRST, runId, name, layer, from, to);
        double[] last = endpoint(c, LAST, runId, name, layer, from, to);
        Map<Long, Double> picked = new TreeMap<>();
        picked.put((long) first[0], first[1]);
        picked.put((long) last[0], last[1]);
        try (PreparedStatement ps = c.prepareStatement(EXTREMES)) {
            int i = bind(ps, runId, name, layer, (long) first[0], (long) last[0]);
            ps.setLong(i, (long) first[0]);
            ps.setLong(i + 1, (long) last[0] + 1);
            ps.setInt(i + 2, (maxPoints - 2) / 2);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (int col = 1; col <= 2; col++) {
                        Double[] valueAndStep = (Double[]) rs.getArray(col).getArray();
                        picked.put(valueAndStep[1].longValue(), valueAndStep[0]);
                    }
                }
            }
        }
        List<double[]> points = new ArrayList<>(picked.size());
        picked.forEach((step, value) -> points.add(new double[]{step, value}));
        return points;
    }

    private static long count(Connection c, UUID runId, String name, int layer, long from, long to, int upTo)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNT_UP_TO)) {
            ps.setInt(bind(ps, runId, name, layer, from, to), upTo);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static double[] endpoint(Connection c, String sql, UUID runId, String name, int layer, long from, long to)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, runId, name, layer, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new double[]{rs.getLong(1), rs.getDouble(2)};
            }
        }
    }

    private static List<double[]> points(Connection c, UUID runId, String name, int layer, long from, long to)
            throws SQLException {
        List<double[]> points = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(POINTS)) {
            bind(ps, runId, name, layer, from, to);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    points.add(new double[]{rs.getLong(1), rs.getDouble(2)});
                }
            }
        }
        return points;
    }

    /** Binds {@link #IN_SERIES}; returns the next parameter index. */
    private static int bind(PreparedStatement ps, UUID runId, String name, int layer, long from, long to)
            throws SQLException {
        ps.setObject(1, runId);
        ps.setString(2, name);
        ps.setInt(3, layer);
        ps.setLong(4, from);
        ps.setLong(5, to);
        return 6;
    }
}
