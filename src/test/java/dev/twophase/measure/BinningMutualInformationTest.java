package dev.twophase.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.twophase.measure.BinningMutualInformation.Estimate;
import dev.twophase.measure.BinningMutualInformation.Range;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinningMutualInformationTest {

    private static final double EXACT = 1e-12;

    private static double log2(double x) {
        return Math.log(x) / Math.log(2.0);
    }

    @Test
    void identicalRowsCarryNoInformation() {
        float[][] a = new float[8][];
        for (int i = 0; i < a.length; i++) {
            a[i] = new float[] {0.3f, -1.2f, 4f};
        }
        Estimate e = BinningMutualInformation.layerRange(30).estimate(a, new int[] {0, 1, 0, 1, 0, 1, 0, 1});

        assertThat(e.itx()).isEqualTo(0.0);
        assertThat(e.ity()).isEqualTo(0.0);
        assertThat(e.distinctStates()).isEqualTo(1);
        assertThat(e.samples()).isEqualTo(8);
    }

    @Test
    void degenerateLayerPutsEverythingInOneBin() {
        float[][] a = {{2f, 2f}, {2f, 2f}, {2f, 2f}};
        Estimate e = BinningMutualInformation.layerRange(10).estimate(a, new int[] {0, 1, 2});

        assertThat(e.itx()).isEqualTo(0.0);
        assertThat(e.distinctStates()).isEqualTo(1);
    }

    @Test
    void rowsDistinctAfterBinningGiveLog2N() {
        int n = 64;
        float[][] a = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = new float[] {i};
            labels[i] = i % 4;
        }
        Estimate e = BinningMutualInformation.layerRange(n).estimate(a, labels);

        assertThat(e.distinctStates()).isEqualTo(n);
        assertThat(e.itx()).isCloseTo(log2(n), within(EXACT));
        // T identifies the input, so it determines Y: I(T;Y) = H(Y) = log2 4.
        assertThat(e.ity()).isCloseTo(2.0, within(EXACT));
    }

    @Test
    void representationThatDeterminesLabelsCarriesHOfY() {
        // Three states, labels a function of the state with p(y) = (1/2, 1/4, 1/4): H(Y) = 1.5 bits.
        float[][] a = {{0f}, {0f}, {0f}, {0f}, {5f}, {5f}, {10f}, {10f}};
        int[] labels = {7, 7, 7, 7, -3, -3, 42, 42};
        Estimate e = BinningMutualInformation.layerRange(3).estimate(a, labels);

        assertThat(e.itx()).isCloseTo(1.5, within(EXACT));
        assertThat(e.ity()).isCloseTo(1.5, within(EXACT));
    }

    @Test
    void labelsIndependentOfRepresentationCarryNothing() {
        // Two equally likely states, each seen with both labels equally often: p(t, y) = p(t) p(y).
        float[][] a = {{0f}, {0f}, {1f}, {1f}};
        int[] labels = {0, 1, 0, 1};
        Estimate e = BinningMutualInformation.layerRange(2).estimate(a, labels);

        assertThat(e.itx()).isCloseTo(1.0, within(EXACT));
        assertThat(e.ity()).isCloseTo(0.0, within(EXACT));
    }

    @Test
    void handComputedExample() {
        // Layer range [0, 1], 2 bins, edge at 0.5: unit 1 -> bins (0,0,1,1), unit 2 -> (0,0,0,1).
        // T = (0,0),(0,0),(1,0),(1,1): p = 1/2, 1/4, 1/4, H(T) = 1.5 bits.
        // Labels y = (0,1,1,1): H(T|Y=0) = 0; given Y=1 the states are (0,0),(1,0),(1,1), H = log2 3.
        // I(T;Y) = 1.5 - 3/4 log2 3.
        float[][] a = {{0.0f, 0.1f}, {0.2f, 0.4f}, {0.6f, 0.0f}, {1.0f, 1.0f}};
        int[] labels = {0, 1, 1, 1};
        Estimate e = new BinningMutualInformation(2, Range.LAYER_MIN_MAX, 0, 0).estimate(a, labels);

        assertThat(e.distinctStates()).isEqualTo(3);
        assertThat(e.itx()).isCloseTo(1.5, within(EXACT));
        assertThat(e.ity()).isCloseTo(1.5 - 0.75 * log2(3), within(EXACT));
    }

    @Test
    void fixedRangeClampsValuesOutsideToEdgeBins() {
        // Range [-1, 1] with 4 bins of width 0.5; -7 and -0.9 share bin 0, 0.8 and 100 share bin 3.
        BinningMutualInformation fixed = new BinningMutualInformation(4, Range.FIXED, -1, 1);
        float[][] a = {{-7f}, {-0.9f}, {0.8f}, {100f}};
        Estimate e = fixed.estimate(a, new int[] {0, 0, 1, 1});

        assertThat(e.distinctStates()).isEqualTo(2);
        assertThat(e.itx()).isCloseTo(1.0, within(EXACT));
        assertThat(e.ity()).isCloseTo(1.0, within(EXACT));

        // Over the layer's own range [-7, 100] the clamped outliers stretch the bins instead:
        // -7, -0.9 and 0.8 share bin 0, so H(T) = H(3/4, 1/4).
        double hOfThreeQuarters = -(0.75 * log2(0.75) + 0.25 * log2(0.25));
        assertThat(BinningMutualInformation.layerRange(4).estimate(a, new int[] {0, 0, 1, 1}).itx())
                .isCloseTo(hOfThreeQuarters, within(EXACT));
    }

    @Test
    void invariantToPermutingUnits() {
        Random random = new Random(11);
        int n = 500;
        int units = 40;
        float[][] a = new float[n][units];
        float[][] permuted = new float[n][units];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int u = 0; u < units; u++) {
                a[i][u] = (float) random.nextGaussian();
            }
            for (int u = 0; u < units; u++) {
                permuted[i][u] = a[i][(u * 7 + 3) % units];
            }
            labels[i] = random.nextInt(5);
        }
        BinningMutualInformation mi = new BinningMutualInformation(3, Range.FIXED, -1, 1);

        assertThat(mi.estimate(permuted, labels)).isEqualTo(mi.estimate(a, labels));
    }

    @Test
    void staysWithinInformationBounds() {
        Random random = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            int n = 50 + random.nextInt(300);
            int units = 1 + random.nextInt(6);
            float[][] a = new float[n][units];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = random.nextInt(1 + random.nextInt(10));
                for (int u = 0; u < units; u++) {
                    a[i][u] = (float) (labels[i] * 0.3 + random.nextGaussian());
                }
            }
            Estimate e = BinningMutualInformation.layerRange(2 + random.nextInt(30)).estimate(a, labels);

            assertThat(e.ity()).isBetween(0.0, e.itx());
            assertThat(e.itx()).isLessThanOrEqualTo(log2(n) + EXACT);
        }
    }

    @Test
    void wideLayerWithManyBinsPacksWithoutCollisions() {
        // 1024 units x 31 bits per unit crosses word boundaries; rows differ only in their last unit.
        int units = 1024;
        float[][] a = new float[4][units];
        for (int i = 0; i < 4; i++) {
            a[i][units - 1] = i;
        }
        Estimate e = new BinningMutualInformation(Integer.MAX_VALUE, Range.FIXED, 0, 3).estimate(a,
                new int[] {0, 0, 0, 0});

        assertThat(e.distinctStates()).isEqualTo(4);
        assertThat(e.itx()).isCloseTo(2.0, within(EXACT));
        assertThat(e.ity()).isEqualTo(0.0);
    }

    @Test
    void rejectsInvalidArguments() {
        BinningMutualInformation mi = BinningMutualInformation.layerRange(10);

        assertThatThrownBy(() -> BinningMutualInformation.layerRange(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BinningMutualInformation(10, Range.FIXED, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BinningMutualInformation(10, null, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mi.estimate(new float[0][], new int[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mi.estimate(new float[][] {{1f}}, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mi.estimate(new float[][] {{1f}, {1f, 2f}}, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mi.estimate(new float[][] {{}}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mi.estimate(new float[][] {{Float.NaN}}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mi.estimate(null, new int[] {0})).isInstanceOf(IllegalArgumentException.class);
    }
}
