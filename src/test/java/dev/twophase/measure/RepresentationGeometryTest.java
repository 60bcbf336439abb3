package dev.twophase.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RepresentationGeometryTest {

    @Test
    void equalVarianceOnRDirectionsHasEffectiveRankR() {
        // The 2r points ±s·e_k for k < r: covariance s²/r on r axes, so total variance s² and participation ratio r.
        for (int r : new int[] {1, 3, 10}) {
            float[][] h = new float[2 * r][16];
            int[] labels = new int[2 * r];
            for (int k = 0; k < r; k++) {
                h[2 * k][k] = 3f;
                h[2 * k + 1][k] = -3f;
                labels[2 * k] = k;
                labels[2 * k + 1] = k;
            }
            RepresentationGeometry g = RepresentationGeometry.of(h, labels);

            assertThat(g.totalVariance()).as("r = %d", r).isCloseTo(9.0, within(1e-9));
            assertThat(g.effectiveRank()).as("r = %d", r).isCloseTo(r, within(1e-9));
        }
    }

    @Test
    void withinOverBetweenIsTheClustersSpreadOverTheirSeparation() {
        // Two labels at x = -5 and +5 (between variance 25), each point ±1 from its label's mean (within 1).
        float[][] h = {{-6f, 0f}, {-4f, 0f}, {4f, 0f}, {6f, 0f}};
        int[] labels = {0, 0, 1, 1};
        RepresentationGeometry g = RepresentationGeometry.of(h, labels);

        assertThat(g.totalVariance()).isCloseTo(26.0, within(1e-9));
        assertThat(g.withinBetween()).isCloseTo(1.0 / 25.0, within(1e-9));
        assertThat(RepresentationGeometry.of(h, new int[] {0, 0, 0, 0}).withinBetween()).isNaN();
    }

    @Test
    void rescalingChangesOnlyTheTotalVariance() {
        Random random = new Random(4);
        float[][] h = new float[40][6];
        float[][] scaled = new float[40][6];
        int[] labels = new int[40];
        for (int i = 0; i < h.length; i++) {
            labels[i] = i % 3;
            for (int u = 0; u < 6; u++) {
                h[i][u] = (float) (random.nextGaussian() * (u + 1) + labels[i]);
                scaled[i][u] = h[i][u] * 8f;
            }
        }
        RepresentationGeometry a = RepresentationGeometry.of(h, labels);
        RepresentationGeometry b = RepresentationGeometry.of(scaled, labels);

        assertThat(b.totalVariance()).isCloseTo(64 * a.totalVariance(), within(1e-6 * b.totalVariance()));
        assertThat(b.effectiveRank()).isCloseTo(a.effectiveRank(), within(1e-6));
        assertThat(b.withinBetween()).isCloseTo(a.withinBetween(), within(1e-6));
    }
}
