package dev.twophase.measure;

import java.util.HashMap;
import java.util.Map;

/** Checks and small helpers shared by the estimators that read one layer's activations. */
final class Activations {

    private Activations() {
    }

    /**
     * Rejects missing, ragged or non-finite activations and a label array of another length.
     *
     * @return the number of units per row
     */
    static int validate(float[][] activations, int[] labels) {
        if (activations == null || labels == null) {
            throw new IllegalArgumentException("activations and labels are required");
        }
        if (activations.length == 0) {
            throw new IllegalArgumentException("activations must have at least one row");
        }
        if (activations.length != labels.length) {
            throw new IllegalArgumentException("activations has " + activations.length
                    + " rows but labels has " + labels.length);
        }
        return validate(activations);
    }

    /** Rejects missing, empty, ragged or non-finite rows; returns the row width. */
    static int validate(float[][] rows) {
        if (rows.length == 0 || rows[0] == null || rows[0].length == 0) {
            throw new IllegalArgumentException("activation rows must have at least one unit");
        }
        int units = rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            float[] row = rows[i];
            if (row == null || row.length != units) {
                throw new IllegalArgumentException("activation row " + i + " has "
                        + (row == null ? "no" : row.length) + " units, expected " + units);
            }
            for (float a : row) {
                if (!Float.isFinite(a)) {
                    throw new IllegalArgumentException("activation row " + i + " holds a non-finite value");
                }
            }
        }
        return units;
    }

    /** Labels renumbered 0..k-1 in order of first appearance. */
    static int[] denseLabels(int[] labels) {
        Map<Integer, Integer> ids = new HashMap<>();
        int[] dense = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            Integer known = ids.putIfAbsent(labels[i], ids.size());
            dense[i] = known != null ? known : ids.size() - 1;
        }
        return dense;
    }

    static int max(int[] values) {
        int max = Integer.MIN_VALUE;
        for (int v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
