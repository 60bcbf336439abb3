package dev.twophase.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Merges incoming points into the stored chunks of 1,024 steps (table {@code metric_chunk}): a new value for
 * a stored step replaces it, and a chunk whose content does not change is left out, so re-sending points
 * writes nothing. Pure: the store reads the chunks the points touch and writes back {@link #changed()}.
 */
final class ChunkMerge {

    static final int SHIFT = 10;
    static final int STEPS = 1 << SHIFT;

    /** Steps per finest rollup cell (shift 8 in metric_rollup): four cells to a chunk. */
    static final int CELL_SHIFT = 8;

    /** The points of one series in steps [chunk * 1024, chunk * 1024 + 1023]: ascending offsets and values. */
    record Chunk(long seriesId, long chunk, short[] offsets, double[] values) {

        /**
         * The chunk's non-empty shift-8 rollup cells, as metric_rollup_refresh makes them: the lowest value
         * with its earliest step, the highest with its latest.
         */
        List<Cell> cells() {
            List<Cell> cells = new ArrayList<>(4);
            int i = 0;
            while (i < offsets.length) {
                int cell = offsets[i] >> CELL_SHIFT;
                int first = i;
                int low = i;
                int high = i;
                while (i < offsets.length && offsets[i] >> CELL_SHIFT == cell) {
                    if (values[i] < values[low]) {
                        low = i;
                    }
                    if (values[i] >= values[high]) {
                        high = i;
                    }
                    i++;
                }
                long base = chunk << SHIFT;
                cells.add(new Cell(seriesId, (chunk << (SHIFT - CELL_SHIFT)) + cell, i - first,
                        base + offsets[first], values[first], base + offsets[i - 1], values[i - 1],
                        base + offsets[low], values[low], base + offsets[high], values[high]));
            }
            return cells;
        }
    }

    /** One shift-8 rollup cell: its point count and its first, last, lowest and highest point. */
    record Cell(long seriesId, long cell, long n, long firstStep, double firstValue, long lastStep, double lastValue,
                long minStep, double minValue, long maxStep, double maxValue) {
    }

    /** One incoming point of a series identified by its id. */
    record Point(long seriesId, long step, double value) {
    }

    private final List<Chunk> changed = new ArrayList<>();
    private long changedPoints;

    /**
     * @param incoming points sorted by (seriesId, step), in arrival order within a step
     * @param stored   the stored chunk of (seriesId, chunk), or null
     */
    ChunkMerge(List<Point> incoming, StoredChunks stored) {
        for (int from = 0; from < incoming.size(); ) {
            Point first = incoming.get(from);
            long chunk = first.step() >> SHIFT;
            int to = from;
            while (to < incoming.size() && incoming.get(to).seriesId() == first.seriesId()
                    && incoming.get(to).step() >> SHIFT == chunk) {
                to++;
            }
            merge(first.seriesId(), chunk, incoming.subList(from, to), stored.get(first.seriesId(), chunk));
            from = to;
        }
    }

    /** Looks up the stored chunk of a series. */
    @FunctionalInterface
    interface StoredChunks {
        Chunk get(long seriesId, long chunk);
    }

    /** Chunks whose content changed, with their whole new content. */
    List<Chunk> changed() {
        return changed;
    }

    /** Points that were new or got another value. */
    long changedPoints() {
        return changedPoints;
    }

    private void merge(long seriesId, long chunk, List<Point> points, Chunk old) {
        // Offsets index dense scratch rows: a chunk holds at most 1,024 steps. A step sent twice keeps
        // its last value (the points are in arrival order within a step) and counts once.
        double[] value = new double[STEPS];
        boolean[] present = new boolean[STEPS];
        if (old != null) {
            for (int i = 0; i < old.offsets().length; i++) {
                present[old.offsets()[i]] = true;
                value[old.offsets()[i]] = old.values()[i];
            }
        }
        boolean[] wasPresent = present.clone();
        double[] oldValue = value.clone();
        for (Point p : points) {
            int offset = (int) (p.step() - (chunk << SHIFT));
            present[offset] = true;
            value[offset] = p.value();
        }
        long changedHere = 0;
        short[] offsets = new short[STEPS];
        double[] values = new double[STEPS];
        int n = 0;
        for (int o = 0; o < STEPS; o++) {
            if (present[o]) {
                if (!wasPresent[o] || oldValue[o] != value[o]) {
                    changedHere++;
                }
                offsets[n] = (short) o;
                values[n++] = value[o];
            }
        }
        if (changedHere > 0) {
            changedPoints += changedHere;
            changed.add(new Chunk(seriesId, chunk, Arrays.copyOf(offsets, n), Arrays.copyOf(values, n)));
        }
    }
}
