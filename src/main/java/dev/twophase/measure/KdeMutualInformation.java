package dev.twophase.measure;

/**
 * Upper and lower bounds on I(T;X) of one layer's representation read through a Gaussian channel,
 * T = g(h) + N(0, sigma2·I) ({@link NoiseChannel}), after Kolchinsky &amp; Tracey 2017, "Estimating Mixture
 * Entropy with Pairwise Distances", arXiv 1706.02419, as used by Saxe et al. 2018 (reference code
 * artemyk/ibsgd, kde.py).
 *
 * <p>With D_ij = |g(h_i) - g(h_j)|^2 over the N inputs, the dimension-dependent constants of H(T) and
 * H(T|X) cancel and
 * <pre>
 *   upper I(T;X) = -(1/N) sum_i log((1/N) sum_j exp(-D_ij / (2 sigma2)))     (KL bound)
 *   lower I(T;X) = -(1/N) sum_i log((1/N) sum_j exp(-D_ij / (8 sigma2)))     (Bhattacharyya: 4 sigma2 for sigma2)
 * </pre>
 * I(T;Y) = H(T) - sum_y p(y) H(T|Y=y) uses the same entropy estimates over each label's rows. It is a
 * difference of two upper (or two lower) bounds and so a bound on neither side: an estimate. Results in bits.
 *
 * <p>When N exceeds {@code probes}, the outer mean over i runs over a seeded random subset of that many rows
 * (the inner sums still run over all N rows, {@link PairwiseDistances}), which makes the cost
 * N·probes·width instead of N²·width.
 */
public final class KdeMutualInformation implements InformationEstimator {

    /**
     * One estimate, in bits.
     *
     * @param itxUpper KL upper bound on I(T;X), at most log2 N
     * @param ityUpper I(T;Y) from the KL-bound entropies (not a bound)
     * @param itxLower Bhattacharyya lower bound on I(T;X), at most {@code itxUpper}
     * @param ityLower I(T;Y) from the Bhattacharyya-bound entropies (a difference of two lower bounds, not a bound)
     * @param probes   rows the outer mean ran over (N when no subset was drawn)
     * @param samples  N
     * @param sigma2   the noise variance used, in the units of the channel's rows
     */
    public record Estimate(double itxUpper, double ityUpper, double itxLower, double ityLower, int probes,
                           int samples, double sigma2) {
    }

    /** Variants of {@link #estimates}: the KL upper bound (primary) and the Bhattacharyya lower bound. */
    public static final String UPPER = "upper";
    public static final String LOWER = "lower";

    private static final double LN2 = Math.log(2.0);

    private final ProbedChannel settings;

    /**
     * Fixed noise variance on the representation as it is (the papers' setting).
     *
     * @param sigma2 variance of the added noise, positive (Saxe et al.: 0.1; Kolchinsky: 1e-3)
     * @param probes largest number of rows the outer mean runs over; all rows when N is not larger
     * @param seed   seeds the choice of probe rows
     */
    public KdeMutualInformation(double sigma2, int probes, long seed) {
        this(new NoiseChannel(NoiseChannel.Scale.ABSOLUTE, sigma2), probes, seed);
    }

    public KdeMutualInformation(NoiseChannel channel, int probes, long seed) {
        this(channel, probes, seed, GramProduct.JAVA);
    }

    /** @param gram computes the inner products of the distances (exact Java loops, or BLAS) */
    public KdeMutualInformation(NoiseChannel channel, int probes, long seed, GramProduct gram) {
        this.settings = new ProbedChannel(channel, probes, seed, gram);
    }

    public NoiseChannel channel() {
        return settings.channel();
    }

    public int probes() {
        return settings.probes();
    }

    @Override
    public java.util.List<InformationEstimator.Estimate> estimates(float[][] h, int[] labels) {
        Estimate e = estimate(h, labels);
        return java.util.List.of(new InformationEstimator.Estimate(UPPER, e.itxUpper(), e.ityUpper()),
                new InformationEstimator.Estimate(LOWER, e.itxLower(), e.ityLower()));
    }

    /**
     * @param h      one row per distinct input, {@code [n][units]}, all finite
     * @param labels the label of each row (any ints)
     */
    public Estimate estimate(float[][] h, int[] labels) {
        int units = Activations.validate(h, labels);
        int n = h.length;
        NoiseChannel.Applied applied = settings.channel().apply(h);
        double sigma2 = applied.sigma2();
        int[] probeRows = settings.probeRows(n);
        int[] classOf = Activations.denseLabels(labels);
        int[] classSize = new int[Activations.max(classOf) + 1];
        for (int c : classOf) {
            classSize[c]++;
        }
        double upperScale = -1.0 / (2 * sigma2);
        double lowerScale = -1.0 / (8 * sigma2);
        double[] sums = new double[4];
        new PairwiseDistances(applied.rows(), units, settings.gram()).forEachProbe(probeRows, (i, distances) -> {
            int c = classOf[i];
            // -(log((1/N) sum_j ...)) for all rows, and for the rows of i's label
            double allUpper = Math.log(n) - logSumExp(distances, upperScale, classOf, -1);
            double ownUpper = Math.log(classSize[c]) - logSumExp(distances, upperScale, classOf, c);
            double allLower = Math.log(n) - logSumExp(distances, lowerScale, classOf, -1);
            double ownLower = Math.log(classSize[c]) - logSumExp(distances, lowerScale, classOf, c);
            sums[0] += allUpper;
            sums[1] += allUpper - ownUpper;
            sums[2] += allLower;
            sums[3] += allLower - ownLower;
        });
        double toBits = 1.0 / (probeRows.length * LN2);
        return new Estimate(sums[0] * toBits, sums[1] * toBits, sums[2] * toBits, sums[3] * toBits,
                probeRows.length, n, sigma2);
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
}
