package dev.twophase.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads series. Downsampling is the SQL function {@code metric_downsample} (migrations/V8), which Grafana's
 * panels call too; every read here is one statement, whatever the number of series.
 */
@ApplicationScoped
public class MetricQuery {

    private static final String SERIES_OF_RUN = """
            SELECT s.name, s.layer FROM metric_series s
             WHERE s.run_id = ? AND EXISTS (SELECT 1 FROM metric_chunk c WHERE c.series_id = s.id)
             ORDER BY s.name, s.layer""";

    // A series the range holds whole, with no more than maxPoints points, is read straight from its chunks
    // (the usual case for the measures); the others go through metric_downsample. The two halves exclude each
    // other by the series' shift-40 rollup cell, so the function is not called for the first kind.
    private static final String DOWNSAMPLED = """
            WITH w AS (SELECT ?::bigint AS lo, ?::bigint AS hi, ?::int AS max)
            SELECT s.name, s.layer, d.step, d.value
              FROM w, metric_series s
              JOIN metric_rollup r ON r.series_id = s.id AND r.shift = 40 AND r.cell = 0
             CROSS JOIN LATERAL (
                   SELECT pt.step, pt.value FROM metric_points(s.id, w.lo, w.hi) pt
                    WHERE r.n <= w.max AND r.first_step >= w.lo AND r.last_step <= w.hi
                   UNION ALL
                   SELECT f.step, f.value FROM metric_downsample(s.id, w.lo, w.hi, w.max) f
                    WHERE NOT (r.n <= w.max AND r.first_step >= w.lo AND r.last_step <= w.hi)) d
             WHERE s.run_id = ? AND (cardinality(?::text[]) = 0 OR s.name = ANY (?::text[]))
               AND (?::int IS NULL OR s.layer = ?::int)
             ORDER BY s.name, s.layer, d.step""";

    // The first maxSeries series of the names, every point in step order (chunks in order, offsets ascending).
    private static final String FULL = """
            SELECT s.name, s.layer, (c.chunk << 10) + p.o, p.v
              FROM (SELECT id, name, layer FROM metric_series WHERE run_id = ? AND name = ANY (?::text[])
                     ORDER BY name, layer LIMIT ?) s
              JOIN metric_chunk c ON c.series_id = s.id
             CROSS JOIN LATERAL unnest(c.offsets, c.vals) WITH ORDINALITY AS p(o, v, i)
             ORDER BY s.name, s.layer, c.chunk, p.i""";

    private final DataSource dataSource;

    @Inject
    public MetricQuery(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Series of a run with at most {@code maxPoints} points each. A step range holding at most maxPoints points
     * comes back whole; otherwise its buckets are the aligned blocks of 2^k steps, k the smallest for which the
     * steps from the range's first point to its last meet at most {@code (maxPoints - 2) / 2} blocks, each
     * giving its lowest and highest point, and the first and last point of the range are kept.
     *
     * @param names empty for every series; layer null for every layer
     */
    public List<MetricSeries> query(UUID runId, List<String> names, Integer layer, long fromStep, long toStep,
                                    int maxPoints) {
        if (maxPoints < 4) {
            throw new IllegalArgumentException("maxPoints must be at least 4 (first, last and one bucket's extremes)");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DOWNSAMPLED)) {
            ps.setLong(1, fromStep);
            ps.setLong(2, toStep);
            ps.setInt(3, maxPoints);
            ps.setObject(4, runId);
            ps.setArray(5, c.createArrayOf("text", names.toArray()));
            ps.setArray(6, c.createArrayOf("text", names.toArray()));
            ps.setObject(7, layer, java.sql.Types.INTEGER);
            ps.setObject(8, layer, java.sql.Types.INTEGER);
            List<MetricSeries> result = new ArrayList<>();
            readSeries(ps, (name, l, points) -> result.add(new MetricSeries(name, l, points)));
            return result;
        } catch (SQLException e) {
            throw new MetricStoreException("querying metrics of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Every point of the named series of a run at full resolution, in one statement:
     * per name, one entry per layer in layer order, points in step order (absent names map to none).
     */
    public Map<String, List<FullSeries>> readFull(UUID runId, Collection<String> names) {
        return readBounded(runId, names, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #readFull}, bounded whatever the run holds in what it returns: at most {@code maxSeries} series
     * (the first in name and layer order), each thinned to at most about {@code maxPoints} points by keeping every
     * k-th by rank, the first and the last. Two series recorded at the same steps (mi_tx and mi_ty) keep the same
     * steps, so they still pair up.
     */
    public Map<String, List<FullSeries>> readBounded(UUID runId, Collection<String> names, int maxSeries, int maxPoints) {
        Map<String, List<FullSeries>> byName = new HashMap<>();
        names.forEach(n -> byName.put(n, new ArrayList<>()));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FULL)) {
            ps.setObject(1, runId);
            ps.setArray(2, c.createArrayOf("text", names.toArray()));
            ps.setInt(3, maxSeries);
            ps.setFetchSize(65_536);
            c.setAutoCommit(false); // a fetch size streams only inside a transaction
            try {
                readSeries(ps, (name, layer, points) -> byName.get(name).add(thinned(layer, points, maxPoints)));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
            return byName;
        } catch (SQLException e) {
            throw new MetricStoreException("reading " + names + " of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    /** Every k-th point by rank (k = ceil(n / maxPoints)), and the last. */
    private static FullSeries thinned(int layer, List<double[]> points, int maxPoints) {
        int n = points.size();
        long every = n <= maxPoints ? 1 : (n + (long) maxPoints - 1) / maxPoints;
        int kept = (int) ((n + every - 1) / every) + (n > 0 && (n - 1) % every != 0 ? 1 : 0);
        long[] steps = new long[kept];
        double[] values = new double[kept];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (i % every == 0 || i == n - 1) {
                steps[j] = (long) points.get(i)[0];
                values[j++] = points.get(i)[1];
            }
        }
        return new FullSeries(layer, steps, values);
    }

    /** The (name, layer) of every series a run has points in, without points. */
    public List<MetricSeries> seriesOf(UUID runId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SERIES_OF_RUN)) {
            ps.setObject(1, runId);
            List<MetricSeries> series = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    series.add(new MetricSeries(rs.getString(1), rs.getInt(2), List.of()));
                }
            }
            return series;
        } catch (SQLException e) {
            throw new MetricStoreException("listing the series of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface SeriesSink {
        void accept(String name, int layer, List<double[]> points);
    }

    /** Groups (name, layer, step, value) rows, ordered by series, into one call per series. */
    private static void readSeries(PreparedStatement ps, SeriesSink sink) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            String name = null;
            int layer = -1;
            List<double[]> points = new ArrayList<>();
            while (rs.next()) {
                String n = rs.getString(1);
                int l = rs.getInt(2);
                if (name != null && (!name.equals(n) || layer != l)) {
                    sink.accept(name, layer, points);
                    points = new ArrayList<>();
                }
                name = n;
                layer = l;
                points.add(new double[]{rs.getLong(3), rs.getDouble(4)});
            }
            if (name != null) {
                sink.accept(name, layer, points);
            }
        }
    }
}
