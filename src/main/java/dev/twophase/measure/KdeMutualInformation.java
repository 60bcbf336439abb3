package dev.twophase.measure;

import java.util.Random;

/**
 * Upper and lower bounds on I(T;X) and I(T;Y) of one layer's representation with Gaussian noise added,
 * T = h + N(0, sigma2·I) (Kolchinsky &amp; Tracey 2017, "Estimating Mixture Entropy with Pairwise
 * Distances", arXiv 1706.02419, as used by Saxe et al. 2018; reference code artemyk/ibsgd, kde.py).
 *
 * <p>With D_ij = |h_i - h_j|^2 over the N inputs, the dimension-dependent constants of H(T) and
 * H(T|X) cancel and
 * <pre>
 *   upper I(T;X) = -(1/N) sum_i log((1/N) sum_j exp(-D_ij / (2 sigma2)))     (KL bound)
 *   lower I(T;X) = -(1/N) sum_i log((1/N) sum_j exp(-D_ij / (8 sigma2)))     (Bhattacharyya: 4 sigma2 for sigma2)
 * </pre>
 * I(T;Y) = H(T) - sum_y p(y) H(T|Y=y) uses the same estimate over each label's rows. Results in bits.
 *
 * <p>D comes from one matrix product, D_ij = |h_i|^2 + |h_j|^2 - 2 h_i·h_j. When N exceeds
 * {@code probes}, the outer mean over i runs over a seeded random subset of that many rows (the
 * inner sums still run over all N rows), which makes the cost N·probes·width instead of N²·width.
 *
 * <p>Noise scale: the papers add noise of a fixed variance ({@link NoiseScale#ABSOLUTE}), which suits
 * tanh units bounded in [-1, 1]. A transformer's residual stream and GeLU activations are unbounded and
 * their scale drifts by orders of magnitude during training, so with a fixed sigma2 every input stays
 * distinguishable and the estimate sits at log2 N. {@link NoiseScale#RELATIVE} sets
 * sigma2 = noiseVariance · E|h - mean(h)|² (the layer's total variance at this step), which makes the
 * estimate invariant to the layer's scale: it then measures how the inputs cluster, not how large
 * the activations are.
 */
public final class KdeMutualInformation {

    /**
     * One estimate, in bits.
     *
     * @param itxUpper KL upper bound on I(T;X), at most log2 N
     * @param ityUpper I(T;Y) from the upper-bound entropies
     * @param itxLower Bhattacharyya lower bound on I(T;X), at most {@code itxUpper}
     * @param ityLower I(T;Y) from the lower-bound entropies
     * @param probes   rows the outer mean ran over (N when no subset was drawn)
     * @param samples  N
     */
    public record Estimate(double itxUpper, double ityUpper, double itxLower, double ityLower, int probes,
                           int samples, double sigma2) {
    }

    /** Whether the noise variance is sigma2 itself or a fraction of the layer's total variance. */
    public enum NoiseScale { ABSOLUTE, RELATIVE }

    private static final double LN2 = Math.log(2.0);
    /** Probe rows per pass over the data in the distance kernel. */
    private static final int BLOCK = 8;

    private final double noiseVariance;
    private final NoiseScale scale;
    private final int maxProbes;
    private final long seed;

    /**
     * @param sigma2 variance of the added noise, positive (Saxe et al.: 0.1; Kolchinsky: 1e-3)
     * @param probes largest number of rows the outer mean runs over; all rows when N is not larger
     * @param seed   seeds the choice of probe rows
     */
    public KdeMutualInformation(double sigma2, int probes, long seed) {
        this(sigma2, NoiseScale.ABSOLUTE, probes, seed);
    }

    /**
     * @param noiseVariance sigma2 itself (absolute) or its ratio to the layer's total variance (relative), positive
     */
    public KdeMutualInformation(double noiseVariance, NoiseScale scale, int probes, long seed) {
        if (!(noiseVariance > 0) || !Double.isFinite(noiseVariance)) {
            throw new IllegalArgumentException("noise variance must be positive and finite, was " + noiseVariance);
        }
        if (probes < 1) {
            throw new IllegalArgumentException("probes must be at least 1, was " + probes);
        }
        this.noiseVariance = noiseVariance;
        this.scale = java.util.Objects.requireNonNull(scale, "scale");
        this.maxProbes = probes;
        this.seed = seed;
    }

    public double noiseVariance() {
        return noiseVariance;
    }

    public NoiseScale scale() {
        return scale;
    }

    /** E|h - mean(h)|²: the sum over units of each unit's variance across the rows. */
    public static double totalVariance(float[][] h) {
        int units = h[0].length;
        double total = 0;
        for (int k = 0; k < units; k++) {
            double mean = 0;
            for (float[] row : h) {
                mean += row[k];
            }
            mean /= h.length;
            double sum = 0;
            for (float[] row : h) {
                double d = row[k] - mean;
                sum += d * d;
            }
            total += sum / h.length;
        }
        return total;
    }

    public int probes() {
        return maxProbes;
    }

    /**
     * @param h      one row per distinct input, {@code [n][units]}, all finite
     * @param labels the label of each row (any ints)
     */
    public Estimate estimate(float[][] h, int[] labels) {
        int units = Activations.validate(h, labels);
        int n = h.length;
        double spread = scale == NoiseScale.RELATIVE ? totalVariance(h) : 1.0;
        // Identical rows (no spread) give 0 bits under any positive sigma2.
        double sigma2 = spread > 0 ? noiseVariance * spread : noiseVariance;
        int[] probeRows = probeRows(n);
        int[] classOf = Activations.denseLabels(labels);
        int[] classSize = new int[Activations.max(classOf) + 1];
        for (int c : classOf) {
            classSize[c]++;
        }
        double[] squaredNorms = new double[n];
        for (int i = 0; i < n; i++) {
            squaredNorms[i] = dot(h[i], h[i], units);
        }
        double upperScale = -1.0 / (2 * sigma2);
        double lowerScale = -1.0 / (8 * sigma2);
        double[][] distances = new double[BLOCK][n];
        double itxUpper = 0;
        double ityUpper = 0;
        double itxLower = 0;
        double ityLower = 0;
        for (int from = 0; from < probeRows.length; from += BLOCK) {
            int[] block = new int[BLOCK];
            for (int r = 0; r < BLOCK; r++) {
                // a short last block repeats its last probe; the repeats are computed but not counted
                block[r] = probeRows[Math.min(from + r, probeRows.length - 1)];
            }
            squaredDistances(h, units, squaredNorms, block, distances);
            for (int r = 0; r < BLOCK && from + r < probeRows.length; r++) {
                int i = block[r];
                distances[r][i] = 0.0;
                int c = classOf[i];
                // -(log((1/N) sum_j ...)) for all rows, and for the rows of i's label
                double allUpper = Math.log(n) - logSumExp(distances[r], upperScale, classOf, -1);
                double ownUpper = Math.log(classSize[c]) - logSumExp(distances[r], upperScale, classOf, c);
                double allLower = Math.log(n) - logSumExp(distances[r], lowerScale, classOf, -1);
                double ownLower = Math.log(classSize[c]) - logSumExp(distances[r], lowerScale, classOf, c);
                itxUpper += allUpper;
                ityUpper += allUpper - ownUpper;
                itxLower += allLower;
                ityLower += allLower - ownLower;
            }
        }
        double toBits = 1.0 / (probeRows.length * LN2);
        return new Estimate(itxUpper * toBits, ityUpper * toBits, itxLower * toBits, ityLower * toBits,
                probeRows.length, n, sigma2);
    }

    private int[] probeRows(int n) {
        int m = Math.min(n, maxProbes);
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        if (m == n) {
            return rows;
        }
        // Partial Fisher-Yates: the first m entries are a uniform sample without replacement.
        Random random = new Random(seed);
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(n - i);
            int t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
        int[] probes = java.util.Arrays.copyOf(rows, m);
        java.util.Arrays.sort(probes);
        return probes;
    }

    /** log sum_j exp(scale·D_j) over all j (onlyClass < 0) or the j of one class; stable for tiny sigma2. */
    private static double logSumExp(double[] distances, double scale, int[] classOf, int onlyClass) {
        // The largest term is the smallest distance, and the row itself (distance 0) is always included.
        double sum = 0;
        for (int j = 0; j < distances.length; j++) {
            if (onlyClass < 0 || classOf[j] == onlyClass) {
                sum += Math.exp(scale * distances[j]);
            }
        }
        return Math.log(sum);
    }

    /**
     * D_ij = |h_i|^2 + |h_j|^2 - 2 h_i·h_j for the BLOCK probe rows i against every row j: each h_j is read
     * once per block of probes (the Gram product in blocks), with one accumulator per probe.
     */
    private static void squaredDistances(float[][] h, int units, double[] squaredNorms, int[] block,
                                         double[][] out) {
        float[] p0 = h[block[0]];
        float[] p1 = h[block[1]];
        float[] p2 = h[block[2]];
        float[] p3 = h[block[3]];
        float[] p4 = h[block[4]];
        float[] p5 = h[block[5]];
        float[] p6 = h[block[6]];
        float[] p7 = h[block[7]];
        for (int j = 0; j < h.length; j++) {
            float[] q = h[j];
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            double s4 = 0;
            double s5 = 0;
            double s6 = 0;
            double s7 = 0;
            for (int k = 0; k < units; k++) {
                double x = q[k];
                s0 += p0[k] * x;
                s1 += p1[k] * x;
                s2 += p2[k] * x;
                s3 += p3[k] * x;
                s4 += p4[k] * x;
                s5 += p5[k] * x;
                s6 += p6[k] * x;
                s7 += p7[k] * x;
            }
            double nj = squaredNorms[j];
            out[0][j] = Math.max(0.0, squaredNorms[block[0]] + nj - 2 * s0);
            out[1][j] = Math.max(0.0, squaredNorms[block[1]] + nj - 2 * s1);
            out[2][j] = Math.max(0.0, squaredNorms[block[2]] + nj - 2 * s2);
            out[3][j] = Math.max(0.0, squaredNorms[block[3]] + nj - 2 * s3);
            out[4][j] = Math.max(0.0, squaredNorms[block[4]] + nj - 2 * s4);
            out[5][j] = Math.max(0.0, squaredNorms[block[5]] + nj - 2 * s5);
            out[6][j] = Math.max(0.0, squaredNorms[block[6]] + nj - 2 * s6);
            out[7][j] = Math.max(0.0, squaredNorms[block[7]] + nj - 2 * s7);
        }
    }

    /**
     * Dot product in double, summed in index order exactly as {@link #squaredDistances} sums, so identical
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
