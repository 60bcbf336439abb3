package dev.twophase.measure;

import java.util.Arrays;
import java.util.Random;

/**
 * Squared Euclidean distances D_ij = |h_i|^2 + |h_j|^2 - 2 h_i·h_j between a seeded subset of probe rows i
 * and every row j, from Gram products of blocks of probe rows against all rows ({@link GramProduct}): the
 * common kernel of the estimators that sum a Gaussian kernel exp(-D_ij / (2 sigma2)) over pairs
 * ({@link KdeMutualInformation}, {@link RenyiMutualInformation}).
 */
final class PairwiseDistances {

    /** Probe rows per Gram product: a block of distances stays a few MB. */
    static final int BLOCK = 128;

    /** Receives the distances of one probe row i to all rows (with D_ii = 0 exactly). */
    @FunctionalInterface
    interface RowConsumer {
        void accept(int i, double[] distances);
    }

    private final float[][] h;
    private final int units;
    private final double[] squaredNorms;
    private final GramProduct gram;

    PairwiseDistances(float[][] h, int units, GramProduct gram) {
        this.h = h;
        this.units = units;
        this.gram = gram;
        this.squaredNorms = new double[h.length];
        for (int i = 0; i < h.length; i++) {
            squaredNorms[i] = dot(h[i], h[i], units);
        }
    }

    /**
     * Up to {@code maxProbes} distinct rows out of n, in increasing order: all rows when n is not larger,
     * else a uniform sample without replacement (partial Fisher-Yates) seeded by {@code seed}.
     */
    static int[] probeRows(int n, int maxProbes, long seed) {
        int m = Math.min(n, maxProbes);
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        if (m == n) {
            return rows;
        }
        Random random = new Random(seed);
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(n - i);
            int t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
        int[] probes = Arrays.copyOf(rows, m);
        Arrays.sort(probes);
        return probes;
    }

    /** Calls {@code consumer} once per probe row, in order, with that row's distances to every row. */
    void forEachProbe(int[] probeRows, RowConsumer consumer) {
        int n = h.length;
        double[] products = new double[Math.min(BLOCK, probeRows.length) * n];
        double[] distances = new double[n];
        for (int from = 0; from < probeRows.length; from += BLOCK) {
            int count = Math.min(BLOCK, probeRows.length - from);
            float[][] block = new float[count][];
            for (int r = 0; r < count; r++) {
                block[r] = h[probeRows[from + r]];
            }
            gram.multiply(block, h, units, products);
            for (int r = 0; r < count; r++) {
                int i = probeRows[from + r];
                double ni = squaredNorms[i];
                for (int j = 0; j < n; j++) {
                    distances[j] = Math.max(0.0, ni + squaredNorms[j] - 2 * products[r * n + j]);
                }
                distances[i] = 0.0;
                consumer.accept(i, distances);
            }
        }
    }

    /**
     * Dot product in double, summed in index order exactly as {@link GramProduct#JAVA} sums, so identical
     * rows come out exactly 0 apart; a product of two floats is exact in double, which keeps
     * |h_i|^2 + |h_j|^2 - 2 h_i·h_j precise for distant clusters and tiny sigma2.
     */
    static double dot(float[] a, float[] b, int length) {
        double s = 0;
        for (int k = 0; k < length; k++) {
            s += a[k] * (double) b[k];
        }
        return s;
    }
}
