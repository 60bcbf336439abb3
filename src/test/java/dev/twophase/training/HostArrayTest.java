package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Host reads and writes hit exactly the elements of the array, including views at an offset into a
 * view (as {@link DirectParameters#view} nests them), in both modes: straight into native memory
 * (the CPU backend) and through a host copy plus {@link HostArray#flush()} (other backends).
 */
class HostArrayTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readsAndWritesTheElementsOfNestedViews(boolean direct) {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray base = Nd4j.linspace(0, 99, 100, DataType.DOUBLE).castTo(type);
            INDArray outer = DirectParameters.view(base, 10, 8, 10);      // elements 10..89
            INDArray inner = DirectParameters.view(outer, 23, 3, 5);      // elements 33..47
            HostArray host = new HostArray(inner, direct);
            double[] d = new double[15];
            host.read(0, d, 0, 15);
            for (int i = 0; i < 15; i++) {
                assertThat(d[i]).as("%s element %d", type, i).isEqualTo(33 + i);
            }
            float[] f = new float[4];
            host.read(6, f, 1, 3);
            assertThat(f).containsExactly(0f, 39f, 40f, 41f);

            host.write(2, new double[]{-1, -2, -3, -4}, 1, 3);
            host.flush();
            assertThat(inner.getDouble(0, 2)).isEqualTo(-2);
            assertThat(inner.getDouble(0, 3)).isEqualTo(-3);
            assertThat(inner.getDouble(0, 4)).isEqualTo(-4);
            assertThat(base.getDouble(34)).isEqualTo(34);   // before the written range
            assertThat(base.getDouble(35)).isEqualTo(-2);
            assertThat(base.getDouble(37)).isEqualTo(-4);
            assertThat(base.getDouble(38)).isEqualTo(38);   // after it
            assertThat(base.sumNumber().doubleValue()).isEqualTo(4950 - 35 - 36 - 37 - 2 - 3 - 4);
        }
    }

    /** The engine through the copying path (what a CUDA backend runs) computes exactly what the direct path does. */
    @org.junit.jupiter.api.Test
    void theEngineGivesTheSameResultsThroughHostCopies() {
        TrainingSetup setup = Setups.modularAdd(11).lr(3e-3).seed(3).build();
        float[][][] expected;
        double expectedLoss;
        Evaluation expectedEvaluation;
        try (DirectTrainingEngine direct = new DirectTrainingEngine(setup)) {
            direct.trainStep();
            expectedLoss = direct.trainStep().loss();
            expectedEvaluation = direct.evaluate();
            expected = direct.representations(Split.ALL, Representation.RESIDUAL_ALL);
        }
        boolean old = HostArray.useHostMemory(false);
        try (DirectTrainingEngine copying = new DirectTrainingEngine(setup)) {
            copying.trainStep();
            assertThat(copying.trainStep().loss()).isEqualTo(expectedLoss);
            assertThat(copying.evaluate()).isEqualTo(expectedEvaluation);
            assertThat(copying.representations(Split.ALL, Representation.RESIDUAL_ALL)).isDeepEqualTo(expected);
        } finally {
            HostArray.useHostMemory(old);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void rejectsReadsOutsideTheArrayAndNonDenseArrays(boolean direct) {
        INDArray base = Nd4j.linspace(0, 99, 100, DataType.FLOAT);
        HostArray host = new HostArray(DirectParameters.view(base, 90, 2, 5), direct);
        assertThatThrownBy(() -> host.read(8, new double[3], 0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        INDArray transposed = base.reshape(10, 10).transpose();
        assertThatThrownBy(() -> new HostArray(transposed, direct)).isInstanceOf(IllegalArgumentException.class);
    }
}
