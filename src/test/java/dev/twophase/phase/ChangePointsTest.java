package dev.twophase.phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ChangePointsTest {

    private static double[] index(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    /** Rises 0 -> 8 over [0, 40), falls to 3 over [40, 70), flat after. */
    private static double[] kinked(int n, double sd, long seed) {
        Random random = new Random(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double clean = i < 40 ? 8.0 * i / 40 : i < 70 ? 8.0 - 5.0 * (i - 40) / 30 : 3.0;
            y[i] = clean + sd * random.nextGaussian();
        }
        return y;
    }

    @Test
    void segmentCostIsTheLeastSquaresResidual() {
        ChangePoints onLine = new ChangePoints(index(5), new double[] {1, 3, 5, 7, 9});
        assertThat(onLine.cost(0, 5)).isCloseTo(0.0, within(1e-12));
        assertThat(onLine.fit(0, 5).slope()).isCloseTo(2.0, within(1e-12));
        assertThat(onLine.fit(0, 5).intercept()).isCloseTo(1.0, within(1e-12));

        // (0,0), (1,1), (2,0): the best line is flat at 1/3, residuals -1/3, 2/3, -1/3.
        ChangePoints tent = new ChangePoints(index(3), new double[] {0, 1, 0});
        assertThat(tent.cost(0, 3)).isCloseTo(2.0 / 3.0, within(1e-12));
        assertThat(tent.cost(1, 3)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void cleanKinksAreFoundExactly() {
        // A boundary between two lines sits at the first point of the second line (or, at a shared
        // corner point, one before it: both fit exactly), so allow that one point.
        int[] starts = new ChangePoints(index(100), kinked(100, 0.0, 1)).pelt(1e-6, 3);

        assertThat(starts).hasSize(2);
        assertThat(starts[0]).isBetween(40, 41);
        assertThat(starts[1]).isBetween(70, 71);
    }

    @Test
    void peltFindsTheSameOptimumAsOptimalPartitioning() {
        for (long seed = 1; seed <= 30; seed++) {
            double sd = 0.05 * seed;
            ChangePoints points = new ChangePoints(index(120), kinked(120, sd, seed));
            double penalty = 3 * sd * sd * Math.log(120);
            int[] pruned = points.pelt(penalty, 3);
            int[] exact = points.optimalPartitioning(penalty, 3);

            assertThat(points.penalisedCost(pruned, penalty)).as("seed %d", seed)
                    .isCloseTo(points.penalisedCost(exact, penalty), within(1e-9));
            assertThat(pruned).as("seed %d", seed).containsExactly(exact);
        }
    }

    @Test
    void noisyKinksAreFoundWithinFourPointsAndTheirIntervalsHoldThem() {
        int covered = 0;
        for (long seed = 1; seed <= 50; seed++) {
            double sd = 0.2;
            ChangePoints points = new ChangePoints(index(100), kinked(100, sd, seed));
            int[] starts = points.pelt(3 * sd * sd * Math.log(100), 3);

            // Noise may add a spurious boundary in the flat tail; the two planted kinks come first.
            assertThat(starts.length).as("seed %d: %s", seed, java.util.Arrays.toString(starts)).isBetween(2, 4);
            assertThat(starts[0]).as("seed %d: %s", seed, java.util.Arrays.toString(starts)).isBetween(36, 44);
            assertThat(starts[1]).as("seed %d: %s", seed, java.util.Arrays.toString(starts)).isBetween(63, 77);
            int to = starts.length > 2 ? starts[2] : 100;
            int[] interval = points.boundaryInterval(starts[0], starts[1], to, 3, 3.84 * sd * sd);
            assertThat(interval[0]).isLessThanOrEqualTo(starts[1]);
            assertThat(interval[1]).isGreaterThanOrEqualTo(starts[1]);
            if (interval[0] <= 71 && interval[1] >= 70) {
                covered++;
            }
        }
        // A 95% likelihood-ratio interval: allow a few misses in 50.
        assertThat(covered).isGreaterThanOrEqualTo(45);
    }

    @Test
    void tooShortOrPenalisedAwaySeriesHaveNoChangePoints() {
        assertThat(new ChangePoints(index(5), new double[] {1, 2, 3, 2, 1}).pelt(0.0, 3)).isEmpty();
        assertThat(new ChangePoints(index(100), kinked(100, 0.0, 1)).pelt(1e9, 3)).isEmpty();
    }
}
