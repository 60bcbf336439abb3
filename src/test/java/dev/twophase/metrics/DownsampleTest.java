package dev.twophase.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The chunked store and its rollups (migrations/V8) against a brute-force reference of the downsampling
 * contract, on a dense and a sparse series, after overwrites and a resume's delete.
 */
@QuarkusTest
class DownsampleTest {

    @Inject
    MetricStore store;
    @Inject
    MetricQuery query;
    @Inject
    DataSource dataSource;

    @Test
    void downsampledReadsMatchTheContractOnRandomRanges() {
        UUID run = MetricUploadTest.externalRun("downsample-contract");
        Random random = new Random(7);
        TreeMap<Long, Double> dense = new TreeMap<>();
        TreeMap<Long, Double> sparse = new TreeMap<>();
        List<MetricPoint> points = new ArrayList<>();
        for (long s = 0; s < 30_000; s++) {
            double v = Math.sin(s / 700.0) + random.nextDouble() * 0.1;
            dense.put(s, v);
            points.add(new MetricPoint("loss", 0, s, v));
        }
        for (long i = 0; i < 400; i++) {
            sparse.put(i * i, (double) (i % 17));  // ties in value: the rule for ties is part of the contract
            points.add(new MetricPoint("mi", 2, i * i, (double) (i % 17)));
        }
        store.write(run, points, 100);
        // Overwrite some values (a new maximum inside a chunk, a lowered old one) in a second write.
        List<MetricPoint> changes = List.of(new MetricPoint("loss", 0, 12_345, 9.0), new MetricPoint("loss", 0, 700, -9.0));
        assertThat(store.write(run, changes, 100)).isEqualTo(2);
        dense.put(12_345L, 9.0);
        dense.put(700L, -9.0);

        for (int i = 0; i < 150; i++) {
            boolean useDense = i % 2 == 0;
            TreeMap<Long, Double> series = useDense ? dense : sparse;
            long last = series.lastKey();
            long from = (long) (random.nextDouble() * last);
            long to = i % 5 == 0 ? 1_000_000_000_000L  // no toStep: the largest step there is
                    : Math.min(from + (long) (random.nextDouble() * random.nextDouble() * 2 * last), last + 5000);
            int max = 4 + random.nextInt(600);
            List<MetricSeries> got = query.query(run, List.of(useDense ? "loss" : "mi"), null, from, to, max);
            List<double[]> expected = reference(series, from, to, max);
            List<double[]> actual = got.isEmpty() ? List.of() : got.get(0).points();
            assertThat(actual).as("range %d..%d, maxPoints %d", from, to, max).hasSize(expected.size());
            for (int j = 0; j < expected.size(); j++) {
                assertThat(actual.get(j)).as("point %d of %d..%d at %d", j, from, to, max).containsExactly(expected.get(j));
            }
            assertThat(actual.size()).isLessThanOrEqualTo(max);
        }
        assertThat(query.query(run, List.of("loss"), null, 0, 29_999, 500).get(0).points())
                .as("the planted extremes survive downsampling")
                .anySatisfy(p -> assertThat(p).containsExactly(12_345, 9.0))
                .anySatisfy(p -> assertThat(p).containsExactly(700, -9.0));
    }

    @Test
    void rollupsEqualARebuildAfterOverwritesAndAResumeDelete() throws SQLException {
        UUID run = MetricUploadTest.externalRun("downsample-rollups");
        List<MetricPoint> points = new ArrayList<>();
        for (long s = 0; s < 5_000; s += 3) {
            points.add(new MetricPoint("a", 0, s, s % 101));
            points.add(new MetricPoint("b", 1, s * 7, -s));
        }
        store.write(run, points, 10);
        store.write(run, List.of(new MetricPoint("a", 0, 2_048, 1e6), new MetricPoint("a", 0, 4, -1e6)), 10);
        assertThat(rollupsMatchRebuild(run)).isTrue();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT metric_delete_after(?, ?)")) {
            ps.setObject(1, run);
            ps.setLong(2, 3_000);
            ps.executeQuery().close();
        }
        assertThat(rollupsMatchRebuild(run)).isTrue();
        Map<String, List<FullSeries>> full = query.readFull(run, List.of("a", "b"));
        long[] a = full.get("a").get(0).steps();
        assertThat(a[a.length - 1]).isEqualTo(3_000);
        assertThat(a).contains(4, 2_048).hasSize(1_001 + 2);  // 0, 3, ..., 3,000 and the two added
        long[] b = full.get("b").get(0).steps();
        assertThat(b).hasSize(143).endsWith(2_982);  // 0, 21, ..., 2,982
    }

    @Test
    void theCoverOfAWholeSeriesIsAFewCellsWhateverItsLength() throws SQLException {
        UUID run = MetricUploadTest.externalRun("downsample-cover");
        List<MetricPoint> points = new ArrayList<>();
        for (long s = 0; s < 200_000; s++) {
            points.add(new MetricPoint("loss", 0, s, s % 13));
        }
        store.write(run, points, 10);
        // 200,000 = 781 * 256 + 64, 781 = 0b1100001101: five rollup cells, and 64 single points.
        assertThat(cover(run, 199_999)).containsExactly(5 + 64, 200_000);
        // Up to the largest step there is: one cell of 2^39 steps, the only non-empty one of the cover.
        assertThat(cover(run, 1_000_000_000_000L)).containsExactly(1, 200_000);
    }

    private long[] cover(UUID run, long to) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT count(*), sum(p.n) FROM metric_series s, metric_pieces(s.id, 0, ?, 40) p WHERE s.run_id = ?""")) {
            ps.setLong(1, to);
            ps.setObject(2, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** The contract of MetricQuery.query, written out over every point. */
    static List<double[]> reference(TreeMap<Long, Double> series, long from, long to, int max) {
        TreeMap<Long, Double> range = new TreeMap<>(series.subMap(from, true, to, true));
        List<double[]> out = new ArrayList<>();
        if (range.size() <= max) {
            range.forEach((s, v) -> out.add(new double[]{s, v}));
            return out;
        }
        int buckets = (max - 2) / 2;
        int k = 0;
        while ((range.lastKey() >> k) - (range.firstKey() >> k) + 1 > buckets) {
            k++;
        }
        TreeMap<Long, Double> kept = new TreeMap<>();
        kept.put(range.firstKey(), range.firstEntry().getValue());
        kept.put(range.lastKey(), range.lastEntry().getValue());
        TreeMap<Long, long[]> extremes = new TreeMap<>();  // bucket -> {lowest step, highest step}
        for (Map.Entry<Long, Double> e : range.entrySet()) {
            long[] x = extremes.computeIfAbsent(e.getKey() >> k, b -> new long[]{e.getKey(), e.getKey()});
            double v = e.getValue();
            if (v < range.get(x[0])) {
                x[0] = e.getKey();
            }
            if (v >= range.get(x[1])) {
                x[1] = e.getKey();
            }
        }
        extremes.values().forEach(x -> {
            kept.put(x[0], range.get(x[0]));
            kept.put(x[1], range.get(x[1]));
        });
        kept.forEach((s, v) -> out.add(new double[]{s, v}));
        return out;
    }

    private boolean rollupsMatchRebuild(UUID run) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("""
                    CREATE TEMP TABLE kept ON COMMIT DROP AS
                    SELECT r.* FROM metric_rollup r JOIN metric_series s ON s.id = r.series_id WHERE s.run_id = ?""")) {
                ps.setObject(1, run);
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    DELETE FROM metric_rollup r USING metric_series s WHERE s.id = r.series_id AND s.run_id = ?""")) {
                ps.setObject(1, run);
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT metric_rollup_refresh(array_agg(c.series_id), array_agg(c.chunk))
                      FROM metric_chunk c JOIN metric_series s ON s.id = c.series_id WHERE s.run_id = ?""")) {
                ps.setObject(1, run);
                ps.executeQuery().close();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT r.* FROM metric_rollup r
                              JOIN metric_series s ON s.id = r.series_id WHERE s.run_id = ?) a)
                         + (SELECT count(*) FROM (SELECT r.* FROM metric_rollup r JOIN metric_series s
                              ON s.id = r.series_id WHERE s.run_id = ? EXCEPT SELECT * FROM kept) b),
                           (SELECT count(*) FROM kept)""")) {
                ps.setObject(1, run);
                ps.setObject(2, run);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(2)).isPositive();
                    return rs.getLong(1) == 0;
                }
            } finally {
                c.rollback();
            }
        }
    }
}
