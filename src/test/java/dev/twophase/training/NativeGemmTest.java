package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The direct BLAS call computes what ND4J's matmul computes, for every transpose combination, with
 * alpha and beta, on views at an offset into a larger buffer (as the engine's parameter and row
 * views are), in float and double, and leaves the buffer around C untouched. The expected values
 * come from a plain triple loop, not from either implementation.
 */
class NativeGemmTest {

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void matchesATripleLoopForEveryTransposeOnOffsetViews(String typeName) {
        DataType type = DataType.valueOf(typeName);
        Random random = new Random(3);
        int m = 37;
        int k = 19;
        int n = 23;
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                INDArray bufferA = random(random, type, 5 + m * k + 3);
                INDArray bufferB = random(random, type, 11 + k * n);
                INDArray bufferC = random(random, type, 7 + m * n + 4);
                INDArray a = ta ? DirectParameters.view(bufferA, 5, k, m) : DirectParameters.view(bufferA, 5, m, k);
                INDArray b = tb ? DirectParameters.view(bufferB, 11, n, k) : DirectParameters.view(bufferB, 11, k, n);
                INDArray c = DirectParameters.view(bufferC, 7, m, n);
                double[][] expected = new double[m][n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        for (int l = 0; l < k; l++) {
                            sum += (ta ? a.getDouble(l, i) : a.getDouble(i, l)) * (tb ? b.getDouble(j, l) : b.getDouble(l, j));
                        }
                        expected[i][j] = 0.5 * sum - 2.0 * c.getDouble(i, j);
                    }
                }
                INDArray before = bufferC.dup();

                NativeGemm.gemm(a, b, c, ta, tb, 0.5, -2.0);

                double tolerance = type == DataType.FLOAT ? 1e-4 : 1e-12;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        assertThat(c.getDouble(i, j)).as("%s ta=%s tb=%s C[%d,%d]", type, ta, tb, i, j)
                                .isCloseTo(expected[i][j], within(tolerance));
                    }
                }
                for (int e : new int[]{0, 6, 7 + m * n, 7 + m * n + 3}) {
                    assertThat(bufferC.getDouble(e)).as("element %d outside C", e).isEqualTo(before.getDouble(e));
                }
            }
        }
    }

    @Test
    void fallsBackToNd4jForArraysThatAreNotDenseCOrder() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 4, 3).transpose(); // f-order [3, 4] view
        INDArray b = Nd4j.rand(DataType.FLOAT, 4, 5);
        INDArray c = Nd4j.create(DataType.FLOAT, 3, 5);
        NativeGemm.gemm(a, b, c, false, false, 1, 0);
        INDArray expected = a.dup('c').mmul(b);
        assertThat(c.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-5);
    }

    @Test
    void rejectsMismatchedShapesInsteadOfReadingPastTheArrays() {
        INDArray a = Nd4j.create(DataType.FLOAT, 4, 3);
        INDArray b = Nd4j.create(DataType.FLOAT, 4, 5);
        INDArray c = Nd4j.create(DataType.FLOAT, 4, 5);
        assertThatThrownBy(() -> NativeGemm.gemm(a, b, c, false, false, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gemm shapes");
    }

    private static INDArray random(Random random, DataType type, int length) {
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextGaussian();
        }
        return Nd4j.createFromArray(values).castTo(type);
    }
}
