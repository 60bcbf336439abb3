package dev.twophase.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.twophase.measure.KdeMutualInformation.Estimate;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KdeMutualInformationTest {

    private static final double EXACT = 1e-12;

    @Test
    void identicalPointsCarryNoInformation() {
        float[][] h = new float[10][];
        int[] labels = new int[10];
        for (int i = 0; i < h.length; i++) {
            h[i] = new float[] {0.3f, -1.7f, 2.25f, 9.5f, -0.125f};
            labels[i] = i % 3;
        }
        Estimate e = new KdeMutualInformation(1e-3, 100, 1).estimate(h, labels);

        assertThat(e.itxUpper()).isEqualTo(0.0);
        assertThat(e.itxLower()).isEqualTo(0.0);
        assertThat(e.ityUpper()).isEqualTo(0.0);
        assertThat(e.ityLower()).isEqualTo(0.0);
    }

    @Test
    void twoSeparatedEqualClustersGiveOneBitAsNoiseVanishes() {
        // Clusters 10 apart, points within a cluster 1e-3 apart: with sigma2 = 1e-4 the cross-cluster
        // kernel is exp(-100 / 2e-4) = 0 and the within-cluster one exp(-1e-6 / 2e-4) > 0.99.
        int n = 40;
        float[][] h = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int cluster = i % 2;
            h[i] = new float[] {cluster * 10f + (i / 2) * 1e-3f / n, cluster * -10f};
            labels[i] = cluster;
        }
        Estimate e = new KdeMutualInformation(1e-4, 1000, 1).estimate(h, labels);

        assertThat(e.itxUpper()).isCloseTo(1.0, within(0.01));
        assertThat(e.itxLower()).isCloseTo(1.0, within(0.01));
        // The label is the cluster: I(T;Y) = H(Y) = 1 bit as well.
        assertThat(e.ityUpper()).isCloseTo(1.0, within(0.01));

        // Exactly identical points per cluster: exactly 1 bit for any sigma2 small enough to separate them.
        for (int i = 0; i < n; i++) {
            h[i] = new float[] {(i % 2) * 10f, 0f};
        }
        Estimate exact = new KdeMutualInformation(1e-3, 1000, 1).estimate(h, labels);
        assertThat(exact.itxUpper()).isCloseTo(1.0, within(EXACT));
        assertThat(exact.itxLower()).isCloseTo(1.0, within(EXACT));
        assertThat(exact.ityUpper()).isCloseTo(1.0, within(EXACT));
        assertThat(exact.ityLower()).isCloseTo(1.0, within(EXACT));
    }

    @Test
    void relativeNoiseScalesWithTheLayersTotalVariance() {
        // Two points at squared distance 25: total variance = 25/4 (each unit's variance summed), so relative
        // noise v gives sigma2 = v * 6.25 and the two-point formula with that sigma2; multiplying h by any
        // factor leaves the estimate unchanged.
        float[][] h = {{0f, 0f}, {3f, 4f}};
        double v = 0.5;
        KdeMutualInformation relative = new KdeMutualInformation(new NoiseChannel(NoiseChannel.Scale.RELATIVE, v), 10, 1);
        Estimate e = relative.estimate(h, new int[] {0, 0});

        assertThat(NoiseChannel.totalVariance(h)).isCloseTo(6.25, within(EXACT));
        assertThat(e.sigma2()).isCloseTo(v * 6.25, within(EXACT));
        double expected = -Math.log((1 + Math.exp(-25 / (2 * v * 6.25))) / 2) / Math.log(2);
        assertThat(e.itxUpper()).isCloseTo(expected, within(EXACT));

        Random random = new Random(3);
        float[][] cloud = new float[60][8];
        int[] labels = new int[60];
        for (int i = 0; i < cloud.length; i++) {
            for (int k = 0; k < 8; k++) {
                cloud[i][k] = (float) random.nextGaussian();
            }
            labels[i] = i % 4;
        }
        float[][] scaled = new float[60][8];
        for (int i = 0; i < cloud.length; i++) {
            for (int k = 0; k < 8; k++) {
                scaled[i][k] = cloud[i][k] * 64f; // a power of two: the scaled floats are exact
            }
        }
        Estimate small = relative.estimate(cloud, labels);
        Estimate large = relative.estimate(scaled, labels);
        assertThat(large.itxUpper()).isCloseTo(small.itxUpper(), within(1e-9));
        assertThat(large.ityLower()).isCloseTo(small.ityLower(), within(1e-9));
        // The absolute estimator is not scale-invariant: the scaled cloud is fully distinguishable.
        KdeMutualInformation absolute = new KdeMutualInformation(0.1, 1000, 1);
        assertThat(absolute.estimate(scaled, labels).itxUpper()).isCloseTo(Math.log(60) / Math.log(2), within(1e-6));
        assertThat(small.itxUpper()).isLessThan(Math.log(60) / Math.log(2) - 0.5);
    }

    @Test
    void relativeNoiseOnIdenticalPointsIsZero() {
        float[][] h = {{1f, 2f}, {1f, 2f}, {1f, 2f}};
        Estimate e = new KdeMutualInformation(new NoiseChannel(NoiseChannel.Scale.RELATIVE, 0.03), 10, 1).estimate(h, new int[] {0, 1, 0});

        assertThat(e.itxUpper()).isEqualTo(0.0);
        assertThat(e.ityUpper()).isEqualTo(0.0);
    }

    @Test
    void twoPointsAtKnownDistanceMatchTheFormula() {
        // N = 2 at squared distance D: upper = -log2((1 + exp(-D / (2 s))) / 2), lower the same with 8 s.
        float[][] h = {{0f, 0f}, {3f, 4f}};
        double s = 10;
        Estimate e = new KdeMutualInformation(s, 10, 1).estimate(h, new int[] {0, 0});

        double log2 = Math.log(2);
        assertThat(e.itxUpper()).isCloseTo(-Math.log((1 + Math.exp(-25 / (2 * s))) / 2) / log2, within(EXACT));
        assertThat(e.itxLower()).isCloseTo(-Math.log((1 + Math.exp(-25 / (8 * s))) / 2) / log2, within(EXACT));
        // One label: nothing to learn about Y.
        assertThat(e.ityUpper()).isCloseTo(0.0, within(EXACT));
        assertThat(e.ityLower()).isCloseTo(0.0, within(EXACT));
    }

    @Test
    void invariantsHoldOnRandomData() {
        Random random = new Random(7);
        for (int trial = 0; trial < 30; trial++) {
            int n = 2 + random.nextInt(80);
            int units = 1 + random.nextInt(20);
            int classes = 1 + random.nextInt(5);
            float[][] h = new float[n][units];
            int[] labels = new int[n];
            int[] counts = new int[classes];
            for (int i = 0; i < n; i++) {
                for (int u = 0; u < units; u++) {
                    h[i][u] = (float) (random.nextGaussian() * random.nextDouble() * 3);
                }
                labels[i] = random.nextInt(classes);
                counts[labels[i]]++;
            }
            double sigma2 = Math.pow(10, -3 + 4 * random.nextDouble());
            Estimate e = new KdeMutualInformation(sigma2, 1000, trial).estimate(h, labels);
            double log2N = Math.log(n) / Math.log(2);
            double hY = entropyBits(counts, n);

            assertThat(e.itxLower()).isBetween(0.0, e.itxUpper() + EXACT);
            assertThat(e.itxUpper()).isLessThanOrEqualTo(log2N + EXACT);
            assertThat(e.ityUpper()).isLessThanOrEqualTo(e.itxUpper() + EXACT).isLessThanOrEqualTo(hY + EXACT);
            assertThat(e.ityLower()).isLessThanOrEqualTo(e.itxLower() + EXACT).isLessThanOrEqualTo(hY + EXACT);
        }
    }

    @Test
    void probeSubsetIsSeededAndCloseToTheFullEstimate() {
        Random random = new Random(3);
        int n = 600;
        float[][] h = new float[n][8];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            for (int u = 0; u < 8; u++) {
                h[i][u] = (float) (labels[i] + random.nextGaussian() * 0.5);
            }
        }
        Estimate full = new KdeMutualInformation(0.1, n, 1).estimate(h, labels);
        Estimate subset = new KdeMutualInformation(0.1, 200, 5).estimate(h, labels);
        Estimate again = new KdeMutualInformation(0.1, 200, 5).estimate(h, labels);

        assertThat(full.probes()).isEqualTo(n);
        assertThat(subset.probes()).isEqualTo(200);
        assertThat(again).isEqualTo(subset);
        // The per-row terms lie in [0, log2 600] with sd well under 1 bit here: 200 probes put the mean within ~0.1.
        assertThat(subset.itxUpper()).isCloseTo(full.itxUpper(), within(0.2));
        assertThat(subset.ityUpper()).isCloseTo(full.ityUpper(), within(0.2));
    }

    @Test
    void rejectsBadParametersAndInput() {
        assertThatThrownBy(() -> new KdeMutualInformation(0, 10, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KdeMutualInformation(0.1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        KdeMutualInformation kde = new KdeMutualInformation(0.1, 10, 1);
        assertThatThrownBy(() -> kde.estimate(new float[][] {{1f}, {Float.NaN}}, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kde.estimate(new float[][] {{1f}}, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double entropyBits(int[] counts, int n) {
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / n;
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        return h;
    }
}
