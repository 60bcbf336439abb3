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

    /** The points of one series in steps [chunk * 1024, chunk * 1024 + 1023]: ascending offsets and values. */
    record Chunk(long seriesId, long chunk, short[] offsets, double[] values) {
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
