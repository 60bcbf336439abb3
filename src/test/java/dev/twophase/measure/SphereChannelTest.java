package dev.twophase.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Known answers for the estimators on the unit-sphere channel and for the matrix-based Rényi entropy. */
class SphereChannelTest {

    private static final double LOG2 = Math.log(2);

    /** k clusters along k orthogonal directions, each point a small random tilt of its direction, scaled at random. */
    private static float[][] clusters(int k, int perCluster, int width, double tilt, long seed) {
        Random random = new Random(seed);
        float[][] h = new float[k * perCluster][width];
        for (int i = 0; i < h.length; i++) {
            int c = i % k;
            double scale = 0.1 + 10 * random.nextDouble();
            for (int u = 0; u < width; u++) {
                h[i][u] = (float) (scale * ((u == c ? 1.0 : 0.0) + tilt * random.nextGaussian()));
            }
        }
        return h;
    }

    private static int[] labelsOf(int n, int k) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
        }
        return labels;
    }

    @Test
    void kWellSeparatedDirectionsGiveLog2KWhateverEachRowsLength() {
        for (int k : new int[] {2, 5, 16}) {
            float[][] h = clusters(k, 20, 32, 0.002, k);
            int[] labels = labelsOf(h.length, k);
            KdeMutualInformation kde = new KdeMutualInformation(new NoiseChannel(NoiseChannel.Scale.SPHERE, 0.0625), 1000, 1);
            RenyiMutualInformation renyi = new RenyiMutualInformation(new NoiseChannel(NoiseChannel.Scale.SPHERE, 0.0625),
                    1000, 1, GramProduct.JAVA);

            KdeMutualInformation.Estimate e = kde.estimate(h, labels);
            InformationEstimator.Estimate r = renyi.estimates(h, labels).get(0);

            double log2k = Math.log(k) / LOG2;
            // Orthogonal unit vectors are sqrt(2) apart: the cross-cluster kernel is exp(-2 / 0.125) = 1e-7.
            assertThat(e.itxUpper()).as("k = %d", k).isCloseTo(log2k, within(0.01));
            // The lower bound's kernel is 4x wider: exp(-2 / 0.5) = e^-4 between clusters.
            double lower = log2k - Math.log(1 + (k - 1) * Math.exp(-4)) / LOG2;
            assertThat(e.itxLower()).as("k = %d", k).isCloseTo(lower, within(0.01));
            assertThat(e.ityUpper()).as("k = %d: the label is the cluster", k).isCloseTo(log2k, within(0.01));
            assertThat(r.itx()).as("k = %d", k).isCloseTo(log2k, within(0.01));
            assertThat(r.ity()).as("k = %d", k).isCloseTo(log2k, within(0.01));
        }
    }

    @Test
    void theSphereIsInvariantToRescalingRowsAndTheAbsoluteChannelIsNot() {
        Random random = new Random(5);
        float[][] h = new float[80][16];
        float[][] rescaled = new float[80][16];
        for (int i = 0; i < h.length; i++) {
            float factor = (float) Math.pow(2, random.nextInt(12) - 6); // a power of two keeps the floats exact
            for (int u = 0; u < 16; u++) {
                h[i][u] = (float) random.nextGaussian();
                rescaled[i][u] = h[i][u] * factor;
            }
        }
        int[] labels = labelsOf(80, 4);
        KdeMutualInformation sphere = new KdeMutualInformation(new NoiseChannel(NoiseChannel.Scale.SPHERE, 0.0625), 1000, 1);
        KdeMutualInformation absolute = new KdeMutualInformation(0.1, 1000, 1);

        assertThat(sphere.estimate(rescaled, labels).itxUpper()).isCloseTo(sphere.estimate(h, labels).itxUpper(), within(1e-6));
        assertThat(absolute.estimate(rescaled, labels).itxUpper())
                .isNotCloseTo(absolute.estimate(h, labels).itxUpper(), within(0.1));
    }

    @Test
    void theSphereResolvesAngleNotLength() {
        // Two points in the same direction are one state however different their lengths; two at right angles
        // are told apart: 1 - cos = 1 against sigma2 = 1/16 gives exp(-2 / (2/16)) between them.
        float[][] sameDirection = {{1f, 0f}, {100f, 0f}};
        float[][] rightAngle = {{1f, 0f}, {0f, 100f}};
        KdeMutualInformation kde = new KdeMutualInformation(new NoiseChannel(NoiseChannel.Scale.SPHERE, 0.0625), 10, 1);

        assertThat(kde.estimate(sameDirection, new int[] {0, 1}).itxUpper()).isCloseTo(0.0, within(1e-12));
        double expected = -Math.log((1 + Math.exp(-2 / (2 * 0.0625))) / 2) / LOG2;
        assertThat(kde.estimate(rightAngle, new int[] {0, 1}).itxUpper()).isCloseTo(expected, within(1e-9));
    }

    @Test
    void renyiOfIdenticalRowsIsZeroAndBoundedByLog2N() {
        float[][] same = {{1f, 2f}, {1f, 2f}, {1f, 2f}, {1f, 2f}};
        RenyiMutualInformation renyi = new RenyiMutualInformation(new NoiseChannel(NoiseChannel.Scale.ABSOLUTE, 0.1), 10, 1,
                GramProduct.JAVA);
        List<InformationEstimator.Estimate> zero = renyi.estimates(same, new int[] {0, 1, 0, 1});
        assertThat(zero.get(0).itx()).isCloseTo(0.0, within(1e-12));
        assertThat(zero.get(0).ity()).isCloseTo(0.0, within(1e-12));

        Random random = new Random(9);
        float[][] cloud = new float[50][4];
        for (float[] row : cloud) {
            for (int u = 0; u < 4; u++) {
                row[u] = (float) random.nextGaussian();
            }
        }
        InformationEstimator.Estimate e = renyi.estimates(cloud, labelsOf(50, 3)).get(0);
        assertThat(e.itx()).isBetween(0.0, Math.log(50) / LOG2 + 1e-12);
        assertThat(e.ity()).isBetween(0.0, e.itx());
    }

    @Test
    void theBlasProductMayReplaceTheJavaOneBlockByBlock() {
        // More probes than one block of PairwiseDistances: the same estimate from a product split differently.
        float[][] h = clusters(3, 100, 8, 0.3, 2);
        int[] labels = labelsOf(h.length, 3);
        GramProduct transposedOrder = (a, b, units, out) -> {
            for (int j = 0; j < b.length; j++) {
                for (int i = 0; i < a.length; i++) {
                    out[i * b.length + j] = PairwiseDistances.dot(a[i], b[j], units);
                }
            }
        };
        NoiseChannel channel = new NoiseChannel(NoiseChannel.Scale.SPHERE, 0.0625);
        assertThat(new KdeMutualInformation(channel, 250, 3, transposedOrder).estimate(h, labels))
                .isEqualTo(new KdeMutualInformation(channel, 250, 3, GramProduct.JAVA).estimate(h, labels));
    }
}
