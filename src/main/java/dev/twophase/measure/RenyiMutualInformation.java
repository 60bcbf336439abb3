package dev.twophase.measure;

import java.util.List;

/**
 * Matrix-based Rényi entropy of order 2 (Sánchez Giraldo, Rao &amp; Príncipe 2015, "Measures of Entropy From
 * Data Using Infinitely Divisible Kernels", arXiv 1211.2459; used for deep networks by Yu et al. 2019): a
 * cross-check of {@link KdeMutualInformation} on the same {@link NoiseChannel}, with no density estimate.
 *
 * <p>With the Gram matrix K_ij = exp(-D_ij / (2 sigma2)) of the channel's rows and A = K / N (K_ii = 1),
 * S_2(A) = -log2 tr(A²) = -log2((1/N²) sum_ij K_ij²). The inputs X are N distinct tokens pairs (their Gram
 * matrix is the identity), so S(X) = S(X, T) = log2 N and I(T;X) = S(T). With the label kernel
 * K^Y_ij = [y_i = y_j], I(T;Y) = S(T) + S(Y) - S(T, Y) where S(Y) = -log2 sum_c (n_c / N)² and
 * S(T, Y) = -log2((1/N²) sum_{ij: y_i = y_j} K_ij²). Order 2 needs no eigenvalues: tr(A²) is the sum of
 * squares of A's entries. With more than {@code probes} rows the sums over i run over a seeded subset.
 */
public final class RenyiMutualInformation implements InformationEstimator {

    private static final double LN2 = Math.log(2.0);

    private final ProbedChannel settings;

    /** @param gram computes the inner products of the distances (exact Java loops, or BLAS) */
    public RenyiMutualInformation(NoiseChannel channel, int probes, long seed, GramProduct gram) {
        this.settings = new ProbedChannel(channel, probes, seed, gram);
    }

    @Override
    public List<Estimate> estimates(float[][] h, int[] labels) {
        int units = Activations.validate(h, labels);
        int n = h.length;
        NoiseChannel.Applied applied = settings.channel().apply(h);
        // K_ij² = exp(-D_ij / sigma2)
        double scale = -1.0 / applied.sigma2();
        int[] classOf = Activations.denseLabels(labels);
        int[] probeRows = settings.probeRows(n);
        double[] sums = new double[2];
        new PairwiseDistances(applied.rows(), units, settings.gram()).forEachProbe(probeRows, (i, distances) -> {
            double all = 0;
            double sameLabel = 0;
            for (int j = 0; j < distances.length; j++) {
                double k2 = Math.exp(scale * distances[j]);
                all += k2;
                if (classOf[j] == classOf[i]) {
                    sameLabel += k2;
                }
            }
            sums[0] += all;
            sums[1] += sameLabel;
        });
        // (1/N²) sum_ij estimated as (1/(probes·N)) sum over probe rows i of sum_j
        double meanAll = sums[0] / ((double) probeRows.length * n);
        double meanSame = sums[1] / ((double) probeRows.length * n);
        int[] counts = new int[Activations.max(classOf) + 1];
        for (int c : classOf) {
            counts[c]++;
        }
        double collision = 0;
        for (int c : counts) {
            collision += (double) c * c / ((double) n * n);
        }
        double sT = -Math.log(meanAll) / LN2;
        double sY = -Math.log(collision) / LN2;
        double sTY = -Math.log(meanSame) / LN2;
        double itx = Math.max(0.0, sT);
        double ity = Math.max(0.0, Math.min(itx, sT + sY - sTY));
        return List.of(new Estimate("", itx, ity));
    }
}
