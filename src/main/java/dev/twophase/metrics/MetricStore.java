package dev.twophase.metrics;

import dev.twophase.queue.RunLocks;
import dev.twophase.queue.RunQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Writes metric points ({@link MetricQuery} reads them): one row per series and chunk of 1,024 steps, plus
 * the rollups that make downsampled reads independent of the series length (migrations/V8). Writes are
 * idempotent on (run, name, layer, step): re-sending a point with the same value changes nothing.
 */
@ApplicationScoped
public class MetricStore {

    /** Most chunk rows sent in one JDBC batch (up to 64 Ki points). */
    static final int CHUNKS_PER_BATCH = 64;

    // New series get an id; the RETURNING half answers those, the SELECT half those that existed.
    private static final String SERIES_IDS = """
            WITH wanted AS (SELECT * FROM unnest(?::text[], ?::int[]) AS t(name, layer)),
                 added AS (INSERT INTO metric_series (run_id, name, layer) SELECT ?, name, layer FROM wanted
                           ON CONFLICT (run_id, name, layer) DO NOTHING RETURNING id, name, layer)
            SELECT id, name, layer FROM added
            UNION ALL
            SELECT s.id, s.name, s.layer FROM metric_series s JOIN wanted w ON s.name = w.name AND s.layer = w.layer
             WHERE s.run_id = ?""";

    private static final String STORED_CHUNKS = """
            SELECT c.series_id, c.chunk, c.offsets, c.vals FROM metric_chunk c
              JOIN unnest(?::bigint[], ?::bigint[]) AS k(series_id, chunk)
                ON c.series_id = k.series_id AND c.chunk = k.chunk
               FOR UPDATE OF c""";

    private static final String WRITE_CHUNK = """
            INSERT INTO metric_chunk (series_id, chunk, offsets, vals) VALUES (?, ?, ?, ?)
            ON CONFLICT (series_id, chunk) DO UPDATE SET offsets = excluded.offsets, vals = excluded.vals""";

    private static final String WRITE_CELL = """
            INSERT INTO metric_rollup VALUES (?, 8, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (series_id, shift, cell) DO UPDATE
               SET n = excluded.n, first_step = excluded.first_step, first_value = excluded.first_value,
                   last_step = excluded.last_step, last_value = excluded.last_value,
                   min_step = excluded.min_step, min_value = excluded.min_value,
                   max_step = excluded.max_step, max_value = excluded.max_value""";

    // Shift 8 is written from the merged chunks above; the SQL builds the coarser shifts from it.
    private static final String REFRESH_ROLLUPS = "SELECT metric_rollup_refresh(?::bigint[], ?::bigint[], 9)";

    // The run's series with points, and how many of them the batch names.
    private static final String COUNT_SERIES = """
            SELECT count(*), count(w.name) FROM metric_series s
              LEFT JOIN unnest(?::text[], ?::int[]) AS w(name, layer) ON s.name = w.name AND s.layer = w.layer
             WHERE s.run_id = ? AND EXISTS (SELECT 1 FROM metric_chunk c WHERE c.series_id = s.id)""";

    private static final String DELETE_AFTER = "SELECT metric_delete_after(?, ?)";

    private final DataSource dataSource;
    private final Counter pointsWritten;
    private final Timer writeLatency;

    @Inject
    public MetricStore(DataSource dataSource, MeterRegistry registry) {
        this.dataSource = dataSource;
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
     * @return points inserted or changed (0 when everything was already stored)
     * @throws SeriesLimitException when the write would give the run more than {@code maxSeries} series
     * @throws NoSuchRunException   when the run does not exist (any more)
     */
    public long write(UUID runId, Collection<MetricPoint> points, int maxSeries) {
        if (points.isEmpty()) {
            return 0;
        }
        List<MetricPoint> batch = List.copyOf(points);
        return writeLatency.record(() -> {
            try {
                Set<SeriesKey> series = seriesKeys(batch);
                long changed = RunLocks.exclusive(dataSource, runId, c -> {
                    checkSeriesLimit(c, runId, series, maxSeries);
                    long stored = store(c, runId, batch, series);
                    RunQueue.recordExternalProgress(c, runId, batch.stream().mapToLong(MetricPoint::step).max().orElse(0));
                    return stored;
                }).orElseThrow(() -> new NoSuchRunException(runId));
                pointsWritten.increment(changed);
                return changed;
            } catch (SQLException e) {
                throw new MetricStoreException("writing " + batch.size() + " points of run " + runId + " failed: "
                        + e.getMessage(), e);
            }
        });
    }

    /**
     * Like {@link #write}, for the worker holding the run's lease: writes nothing and returns false
     * when (workerId, attempt) no longer holds it, so a worker that lost its lease cannot add points.
     */
    public boolean writeFenced(UUID runId, String workerId, int attempt, Collection<MetricPoint> points) {
        List<MetricPoint> batch = List.copyOf(points);
        return writeLatency.record(() -> fenced(runId, workerId, attempt, c -> {
            pointsWritten.increment(store(c, runId, batch, seriesKeys(batch)));
            return null;
        }));
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
                ps.executeQuery().close();
            }
            return null;
        });
    }

    private boolean fenced(UUID runId, String workerId, int attempt, RunLocks.Work<?> work) {
        try {
            return RunLocks.fenced(dataSource, runId, workerId, attempt, work);
        } catch (SQLException e) {
            throw new MetricStoreException("fenced write for run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    /** Counts the series the run would have with {@code points} added; the caller holds the run's lock. */
    private static void checkSeriesLimit(Connection c, UUID runId, Set<SeriesKey> incoming, int maxSeries)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNT_SERIES)) {
            bindSeriesKeys(c, ps, 1, incoming);
            ps.setObject(3, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long before = rs.getLong(1);
                if (before + incoming.size() - rs.getLong(2) > maxSeries) {
                    throw new SeriesLimitException((int) before, maxSeries);
                }
            }
        }
    }

    /**
     * Merges the points into their chunks and mends the rollups, inside the caller's transaction. A key sent
     * twice keeps its last value: the sort is stable, so arrival order survives within a step.
     */
    private static long store(Connection c, UUID runId, List<MetricPoint> points, Set<SeriesKey> series)
            throws SQLException {
        if (points.isEmpty()) {
            return 0;
        }
        Map<SeriesKey, Long> ids = seriesIds(c, runId, series);
        List<ChunkMerge.Point> incoming = new ArrayList<>(points.size());
        for (MetricPoint p : points) {
            incoming.add(new ChunkMerge.Point(ids.get(new SeriesKey(p.name(), p.layer())), p.step(), p.value()));
        }
        incoming.sort(Comparator.comparingLong(ChunkMerge.Point::seriesId).thenComparingLong(ChunkMerge.Point::step));
        Map<ChunkKey, ChunkMerge.Chunk> stored = storedChunks(c, incoming);
        ChunkMerge merge = new ChunkMerge(incoming, (seriesId, chunk) -> stored.get(new ChunkKey(seriesId, chunk)));
        List<ChunkMerge.Chunk> changed = merge.changed();
        if (changed.isEmpty()) {
            return 0;
        }
        writeChunks(c, changed);
        try (PreparedStatement ps = c.prepareStatement(REFRESH_ROLLUPS)) {
            ps.setArray(1, c.createArrayOf("int8", changed.stream().map(ChunkMerge.Chunk::seriesId).toArray()));
            ps.setArray(2, c.createArrayOf("int8", changed.stream().map(ChunkMerge.Chunk::chunk).toArray()));
            ps.executeQuery().close();
        }
        return merge.changedPoints();
    }

    /** The distinct (name, layer) of a batch, in first-seen order. */
    private static Set<SeriesKey> seriesKeys(List<MetricPoint> points) {
        Set<SeriesKey> keys = new LinkedHashSet<>();
        points.forEach(p -> keys.add(new SeriesKey(p.name(), p.layer())));
        return keys;
    }

    private static Map<SeriesKey, Long> seriesIds(Connection c, UUID runId, Set<SeriesKey> keys) throws SQLException {
        Map<SeriesKey, Long> ids = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(SERIES_IDS)) {
            bindSeriesKeys(c, ps, 1, keys);
            ps.setObject(3, runId);
            ps.setObject(4, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.put(new SeriesKey(rs.getString(2), rs.getInt(3)), rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static Map<ChunkKey, ChunkMerge.Chunk> storedChunks(Connection c, List<ChunkMerge.Point> incoming)
            throws SQLException {
        List<ChunkKey> keys = new ArrayList<>();  // incoming is sorted: each chunk's points are adjacent
        for (ChunkMerge.Point p : incoming) {
            ChunkKey key = new ChunkKey(p.seriesId(), p.step() >> ChunkMerge.SHIFT);
            if (keys.isEmpty() || !keys.get(keys.size() - 1).equals(key)) {
                keys.add(key);
            }
        }
        Map<ChunkKey, ChunkMerge.Chunk> stored = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(STORED_CHUNKS)) {
            ps.setArray(1, c.createArrayOf("int8", keys.stream().map(ChunkKey::seriesId).toArray()));
            ps.setArray(2, c.createArrayOf("int8", keys.stream().map(ChunkKey::chunk).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ChunkMerge.Chunk chunk = new ChunkMerge.Chunk(rs.getLong(1), rs.getLong(2),
                            shorts(rs.getArray(3)), doubles(rs.getArray(4)));
                    stored.put(new ChunkKey(chunk.seriesId(), chunk.chunk()), chunk);
                }
            }
        }
        return stored;
    }

    /**
     * Writes whole chunks and their shift-8 rollup cells as JDBC batches of at most {@link #CHUNKS_PER_BATCH}
     * rows (the one chunk loop): a row each, its arrays bound in binary, nothing for the server to sort.
     */
    private static void writeChunks(Connection c, List<ChunkMerge.Chunk> chunks) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);  // its createArrayOf takes primitive arrays
        try (PreparedStatement chunk = c.prepareStatement(WRITE_CHUNK); PreparedStatement cell = c.prepareStatement(WRITE_CELL)) {
            for (int from = 0; from < chunks.size(); from += CHUNKS_PER_BATCH) {
                for (ChunkMerge.Chunk ch : chunks.subList(from, Math.min(chunks.size(), from + CHUNKS_PER_BATCH))) {
                    chunk.setLong(1, ch.seriesId());
                    chunk.setLong(2, ch.chunk());
                    chunk.setArray(3, pg.createArrayOf("int2", ch.offsets()));
                    chunk.setArray(4, pg.createArrayOf("float8", ch.values()));
                    chunk.addBatch();
                    for (ChunkMerge.Cell x : ch.cells()) {
                        cell.setLong(1, x.seriesId());
                        cell.setLong(2, x.cell());
                        cell.setLong(3, x.n());
                        cell.setLong(4, x.firstStep());
                        cell.setDouble(5, x.firstValue());
                        cell.setLong(6, x.lastStep());
                        cell.setDouble(7, x.lastValue());
                        cell.setLong(8, x.minStep());
                        cell.setDouble(9, x.minValue());
                        cell.setLong(10, x.maxStep());
                        cell.setDouble(11, x.maxValue());
                        cell.addBatch();
                    }
                }
                chunk.executeBatch();
                cell.executeBatch();
            }
        }
    }

    private static void bindSeriesKeys(Connection c, PreparedStatement ps, int index, Collection<SeriesKey> keys)
            throws SQLException {
        ps.setArray(index, c.createArrayOf("text", keys.stream().map(SeriesKey::name).toArray()));
        ps.setArray(index + 1, c.createArrayOf("int4", keys.stream().map(SeriesKey::layer).toArray()));
    }

    static short[] shorts(Array array) throws SQLException {
        Object[] boxed = (Object[]) array.getArray();
        short[] out = new short[boxed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) boxed[i]).shortValue();
        }
        return out;
    }

    static double[] doubles(Array array) throws SQLException {
        Object[] boxed = (Object[]) array.getArray();
        double[] out = new double[boxed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) boxed[i]).doubleValue();
        }
        return out;
    }

    record SeriesKey(String name, int layer) {
    }

    private record ChunkKey(long seriesId, long chunk) {
    }
}
