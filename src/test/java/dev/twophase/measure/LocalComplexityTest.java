package dev.twophase.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LocalComplexityTest {

    /** One ReLU layer z = W x + b over the rows, {@code [1][m][neurons]}. */
    private static Function<float[][], float[][][]> layer(double[][] w, double[] b) {
        return points -> {
            float[][] z = new float[points.length][b.length];
            for (int m = 0; m < points.length; m++) {
                for (int j = 0; j < b.length; j++) {
                    double s = b[j];
                    for (int u = 0; u < points[m].length; u++) {
                        s += w[j][u] * points[m][u];
                    }
                    z[m][j] = (float) s;
                }
            }
            return new float[][][] {z};
        };
    }

    @Test
    void aNetworkWithoutHingesNearThePointsHasZeroComplexity() {
        // Every neuron is active on the whole neighbourhood (|W x| <= 2 < b = 10): the network is linear there.
        double[][] w = {{1, 0, 0}, {0, 1, 0}, {1, 1, 1}, {-1, 0.5, 0}};
        double[] b = {10, 10, 10, 10};
        float[][] centres = {{0, 0, 0}, {0.2f, -0.1f, 0.3f}};

        double[] lc = new LocalComplexity(3, 0.5, 1).perLayer(centres, layer(w, b));

        assertThat(lc).containsExactly(0.0);
    }

    @Test
    void handPlacedHyperplanesAreCountedExactly() {
        // 2-D input, centre at the origin, radius 1, P = 2: the frame is a square of circumradius 1 in a random
        // rotation. Its incircle has radius 1/sqrt(2), so hyperplanes at distance 0, 0.3 and 0.6 from the centre
        // cross it in every rotation, those at 1.2 and 5 in none: exactly 3 per point.
        double[][] w = {{1, 0}, {0, 1}, {0.6, 0.8}, {1, 0}, {0, -1}};
        double[] b = {0, 0.3, -0.6, -1.2, 5};
        double[] lc = new LocalComplexity(2, 1.0, 11).perLayer(new float[][] {{0, 0}}, layer(w, b));
        assertThat(lc).containsExactly(3.0);

        // Over several centres the mean is exact too: seen from (10, 10) every plane is more than 1 away.
        double[] two = new LocalComplexity(2, 1.0, 11).perLayer(new float[][] {{0, 0}, {10, 10}}, layer(w, b));
        assertThat(two).containsExactly(1.5);
    }

    @Test
    void crossPolytopeIsOrthonormalAtTheRadius() {
        LocalComplexity lc = new LocalComplexity(5, 0.25, 3);
        float[] centre = {1, 2, 3, 4, 5, 6, 7};
        float[][] v = lc.crossPolytope(centre, new Random(3));

        assertThat(v).hasNumberOfRows(10);
        for (int k = 0; k < 5; k++) {
            for (int k2 = 0; k2 < 5; k2++) {
                double dot = 0;
                for (int u = 0; u < centre.length; u++) {
                    dot += (v[2 * k][u] - centre[u]) * (v[2 * k2][u] - centre[u]);
                }
                assertThat(dot).isCloseTo(k == k2 ? 0.0625 : 0.0, within(1e-5));
            }
            for (int u = 0; u < centre.length; u++) {
                assertThat(v[2 * k][u] + v[2 * k + 1][u]).isCloseTo(2 * centre[u], within(1e-5f));
            }
        }
    }

    @Test
    void rejectsMoreDirectionsThanTheInputHas() {
        assertThatThrownBy(() -> new LocalComplexity(3, 1, 1).perLayer(new float[][] {{0, 0}}, p -> new float[0][][]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LocalComplexity(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LocalComplexity(1, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
