package dev.twophase.measure;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * I(T;X) and I(T;Y) of one layer's representation T by equal-width binning of its activations
 * (Shwartz-Ziv &amp; Tishby 2017, "Opening the Black Box of Deep Neural Networks via Information",
 * arXiv 1703.00810, Sec. 3.2; reference code ravidziv/IDNNs).
 *
 * <p>Each unit's activation is mapped to one of {@code bins} equal-width bins over a fixed [lower, upper]
 * (values outside clamp to the edge bins) or over the layer's current [min, max]. The reference code bins
 * tanh units over the fixed [-1, 1] their range allows; edges that follow each measurement's extreme value
 * instead track outliers and rescalings, the artefact Saxe et al. (2018, Sec. 3) point out for unbounded
 * units, so the fixed range is the one with a stable meaning and suits bounded representations (attention
 * probabilities in [0, 1]). On wide unbounded layers every input soon lands in a tuple of its own and the
 * estimate sits at log2 N.
 * T is the tuple of bin indices over all units. The network is deterministic and the rows are
 * the N distinct inputs, so H(T|X) = 0 and I(T;X) = H(T); I(T;Y) = H(T) - sum_y p(y) H(T|Y=y).
 * All probabilities are empirical; all results are in bits.
 */
public final class BinningMutualInformation implements InformationEstimator {

    /** Where the bin edges come from. */
    public enum Range {
        /** [min, max] over all units of the layer's activations passed to one call: moves with outliers. */
        LAYER_MIN_MAX,
        /** The constructor's [lower, upper]; values outside clamp to the edge bins. */
        FIXED
    }

    /**
     * One estimate, in bits.
     *
     * @param itx I(T;X) = H(T)
     * @param ity I(T;Y) = H(T) - H(T|Y)
     * @param distinctStates how many distinct binned tuples T occurred
     * @param samples N, the number of rows
     */
    public record Estimate(double itx, double ity, int distinctStates, int samples) {
    }

    private final int bins;
    private final Range range;
    private final double lower;
    private final double upper;

    /**
     * @param bins number of equal-width bins per unit, at least 2
     * @param range where the bin edges come from
     * @param lower lower edge, used only for {@link Range#FIXED}
     * @param upper upper edge, used only for {@link Range#FIXED}; must exceed lower
     */
    public BinningMutualInformation(int bins, Range range, double lower, double upper) {
        if (bins < 2) {
            throw new IllegalArgumentException("bins must be at least 2, was " + bins);
        }
        if (range == null) {
            throw new IllegalArgumentException("range is required");
        }
        if (range == Range.FIXED && !(Double.isFinite(lower) && Double.isFinite(upper) && lower < upper)) {
            throw new IllegalArgumentException(
                    "a fixed range needs finite lower < upper, was [" + lower + ", " + upper + "]");
        }
        this.bins = bins;
        this.range = range;
        this.lower = lower;
        this.upper = upper;
    }

    /** Bins over the layer's own [min, max] at each call (the edges move with the layer's extreme values). */
    public static BinningMutualInformation layerRange(int bins) {
        return new BinningMutualInformation(bins, Range.LAYER_MIN_MAX, Double.NaN, Double.NaN);
    }

    public int bins() {
        return bins;
    }

    public Range range() {
        return range;
    }

    @Override
    public java.util.List<InformationEstimator.Estimate> estimates(float[][] h, int[] labels) {
        Estimate e = estimate(h, labels);
        return java.util.List.of(new InformationEstimator.Estimate("", e.itx(), e.ity()));
    }

    /**
     * @param activations one row per distinct input, {@code [n][units]}, all finite
     * @param labels the label of each row
     */
    public Estimate estimate(float[][] activations, int[] labels) {
        int units = Activations.validate(activations, labels);
        int n = activations.length;
        double lo;
        double hi;
        if (range == Range.FIXED) {
            lo = lower;
            hi = upper;
        } else {
            double[] minMax = minMax(activations);
            lo = minMax[0];
            hi = minMax[1];
        }
        int[] t = binnedStates(activations, units, lo, hi);
        int distinctStates = Arrays.stream(t).max().orElse(-1) + 1;

        double hT = entropy(countsOf(t, distinctStates), n);
        // I(T;X) = H(T) - H(T|X), and H(T|X) = 0 for a deterministic network over distinct inputs.
        double itx = hT;
        double hTGivenY = conditionalEntropy(t, distinctStates, labels);
        // I(T;Y) = H(T) - sum_y p(y) H(T|Y=y); clamped because rounding may leave it a few ulps outside [0, H(T)].
        double ity = Math.min(itx, Math.max(0.0, hT - hTGivenY));
        return new Estimate(itx, ity, distinctStates, n);
    }

    private static double[] minMax(float[][] activations) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float[] row : activations) {
            for (float a : row) {
                min = Math.min(min, a);
                max = Math.max(max, a);
            }
        }
        return new double[] {min, max};
    }

    /**
     * Dense id of each row's tuple of bin indices. Bin indices are packed several to a long so
     * that hashing a 1024-unit row touches ~100 words instead of 1024 boxed values.
     */
    private int[] binnedStates(float[][] activations, int units, double lo, double hi) {
        int bitsPerUnit = 32 - Integer.numberOfLeadingZeros(bins - 1);
        int unitsPerWord = 64 / bitsPerUnit;
        int words = (units + unitsPerWord - 1) / unitsPerWord;
        // A degenerate layer (hi == lo) puts everything in bin 0: one state, H(T) = 0.
        double binsPerUnitOfActivation = hi > lo ? bins / (hi - lo) : 0.0;

        Map<PackedTuple, Integer> ids = new HashMap<>(2 * activations.length);
        int[] t = new int[activations.length];
        for (int i = 0; i < activations.length; i++) {
            long[] packed = new long[words];
            float[] row = activations[i];
            for (int u = 0; u < units; u++) {
                int bin = (int) Math.floor((row[u] - lo) * binsPerUnitOfActivation);
                bin = Math.max(0, Math.min(bins - 1, bin));
                packed[u / unitsPerWord] |= (long) bin << (bitsPerUnit * (u % unitsPerWord));
            }
            Integer known = ids.putIfAbsent(new PackedTuple(packed), ids.size());
            t[i] = known != null ? known : ids.size() - 1;
        }
        return t;
    }

    private static int[] countsOf(int[] ids, int distinct) {
        int[] counts = new int[distinct];
        for (int id : ids) {
            counts[id]++;
        }
        return counts;
    }

    /** sum_y p(y) H(T|Y=y), from the rows sorted by (label, state) so each label's state counts are runs. */
    private static double conditionalEntropy(int[] t, int distinctStates, int[] labels) {
        int n = t.length;
        long[] labelThenState = new long[n];
        for (int i = 0; i < n; i++) {
            labelThenState[i] = (long) labels[i] * distinctStates + t[i];
        }
        Arrays.sort(labelThenState);
        double sum = 0.0;
        int start = 0;
        while (start < n) {
            int label = labelOf(labelThenState[start], distinctStates);
            int end = start;
            while (end < n && labelOf(labelThenState[end], distinctStates) == label) {
                end++;
            }
            int nY = end - start;
            double hTGivenThisY = entropy(runLengths(labelThenState, start, end), nY);
            sum += (double) nY / n * hTGivenThisY;
            start = end;
        }
        return sum;
    }

    private static int labelOf(long labelThenState, int distinctStates) {
        return (int) Math.floorDiv(labelThenState, (long) distinctStates);
    }

    private static int[] runLengths(long[] sorted, int from, int to) {
        int[] runs = new int[to - from];
        int count = 0;
        int i = from;
        while (i < to) {
            int j = i;
            while (j < to && sorted[j] == sorted[i]) {
                j++;
            }
            runs[count++] = j - i;
            i = j;
        }
        return Arrays.copyOf(runs, count);
    }

    /** Shannon entropy in bits of the empirical distribution with these counts over n samples. */
    private static double entropy(int[] counts, int n) {
        double h = 0.0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / n;
                h -= p * Math.log(p);
            }
        }
        return h / Math.log(2.0);
    }

    /** Hash key over the packed bin indices of one row. */
    private record PackedTuple(long[] words) {
        @Override
        public boolean equals(Object other) {
            return other instanceof PackedTuple that && Arrays.equals(words, that.words);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(words);
        }

        @Override
        public String toString() {
            return Arrays.toString(words);
        }
    }
}
