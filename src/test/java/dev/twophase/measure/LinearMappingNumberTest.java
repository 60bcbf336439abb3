package dev.twophase.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LinearMappingNumberTest {

    private static final double EXACT = 1e-9;

    @Test
    void aLinearMapHasLmnOne() {
        Random random = new Random(1);
        double[][] a = new double[4][3];
        for (double[] row : a) {
            for (int u = 0; u < row.length; u++) {
                row[u] = random.nextGaussian();
            }
        }
        Function<float[][], float[][]> linear = points -> {
            float[][] out = new float[points.length][4];
            for (int m = 0; m < points.length; m++) {
                for (int o = 0; o < 4; o++) {
                    double s = 0.5 * o;
                    for (int u = 0; u < 3; u++) {
                        s += a[o][u] * points[m][u];
                    }
                    out[m][o] = (float) s;
                }
            }
            return out;
        };
        float[][] samples = randomPoints(random, 12, 3);

        assertThat(LinearMappingNumber.of(samples, linear)).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void aKinkBetweenTwoEqualGroupsGivesTwo() {
        // f(x) = |x1|: within a group x1 is fixed (f constant: linear), across groups x1 runs -1 -> 1 and
        // |2t - 1| is symmetric about t = 1/2, so its correlation with t is 0. L is two blocks of ones.
        Function<float[][], float[][]> kink = points -> {
            float[][] out = new float[points.length][1];
            for (int m = 0; m < points.length; m++) {
                out[m][0] = Math.abs(points[m][0]);
            }
            return out;
        };
        float[][] equal = {{-1, 0}, {-1, 1}, {-1, 3}, {1, 0}, {1, -2}, {1, 5}};
        assertThat(LinearMappingNumber.of(equal, kink)).isCloseTo(2.0, within(EXACT));

        // Groups of 1 and 3: eigenvalues 1 and 3, S = H(1/4, 3/4) bits.
        float[][] unequal = {{-1, 0}, {1, 0}, {1, -2}, {1, 5}};
        double h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)) / Math.log(2);
        assertThat(LinearMappingNumber.of(unequal, kink)).isCloseTo(Math.pow(2, h), within(EXACT));
    }

    @Test
    void eigenvaluesOfAKnownMatrix() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3; a diagonal matrix keeps its diagonal.
        double[] e = SymmetricEigenvalues.of(new double[][] {{2, 1}, {1, 2}});
        java.util.Arrays.sort(e);
        assertThat(e[0]).isCloseTo(1, within(EXACT));
        assertThat(e[1]).isCloseTo(3, within(EXACT));
        double[] ones = SymmetricEigenvalues.of(new double[][] {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}});
        java.util.Arrays.sort(ones);
        assertThat(ones[2]).isCloseTo(3, within(EXACT));
        assertThat(ones[0]).isCloseTo(0, within(EXACT));
        assertThat(ones[1]).isCloseTo(0, within(EXACT));
    }

    @Test
    void lmnIsAtLeastOneAndAtMostNOnRandomMaps() {
        Random random = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + random.nextInt(10);
            int width = 1 + random.nextInt(4);
            double[][] w = new double[6][width];
            for (double[] row : w) {
                for (int u = 0; u < width; u++) {
                    row[u] = random.nextGaussian();
                }
            }
            // A random one-hidden-layer ReLU net: piecewise linear.
            Function<float[][], float[][]> relu = points -> {
                float[][] out = new float[points.length][2];
                for (int m = 0; m < points.length; m++) {
                    for (int j = 0; j < 6; j++) {
                        double z = 0.3 * j - 0.8;
                        for (int u = 0; u < width; u++) {
                            z += w[j][u] * points[m][u];
                        }
                        out[m][j % 2] += (float) Math.max(0, z);
                    }
                }
                return out;
            };
            double lmn = LinearMappingNumber.of(randomPoints(random, n, width), relu);
            assertThat(lmn).isBetween(1.0 - EXACT, n + EXACT);
        }
    }

    private static float[][] randomPoints(Random random, int n, int width) {
        float[][] p = new float[n][width];
        for (float[] row : p) {
            for (int u = 0; u < width; u++) {
                row[u] = (float) (random.nextGaussian() * 2);
            }
        }
        return p;
    }
}
