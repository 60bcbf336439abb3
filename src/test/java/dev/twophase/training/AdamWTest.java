package dev.twophase.training;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The host AdamW pass against what the engine ran before it and what the SameDiff reference runs:
 * ND4J's {@code AdamUpdater} op, then {@code update += lr·wd·w}, then {@code w -= update}, over
 * several iterations (the bias correction changes with each), in double (agreement to rounding)
 * and in float (to float rounding). The length is not a multiple of the host chunk.
 */
class AdamWTest {

    private static final int LENGTH = 10_007;

    @Test
    void matchesNd4jsAdamUpdaterWithDecoupledDecayInDouble() {
        compare(DataType.DOUBLE, 1e-12);
    }

    @Test
    void matchesNd4jsAdamUpdaterWithDecoupledDecayInFloat() {
        compare(DataType.FLOAT, 1e-5);
    }

    private static void compare(DataType type, double relative) {
        Random random = new Random(7);
        INDArray w = random(random, type, 1.0);
        INDArray wReference = w.dup();
        INDArray m = Nd4j.create(type, LENGTH);
        INDArray v = Nd4j.create(type, LENGTH);
        INDArray mReference = m.dup();
        INDArray vReference = v.dup();
        AdamW adam = new AdamW(0.9, 0.98, 1e-8);
        double lr = 1e-3;
        double wd = 1.0;
        for (int iteration = 0; iteration < 5; iteration++) {
            // gradients spanning magnitudes, some exactly zero (the update is then decay only)
            INDArray g = random(random, type, Math.pow(10, -iteration));
            g.putScalar(iteration, 0.0);
            adam.step(w, g, m, v, lr * (iteration + 1), wd, iteration);

            INDArray update = g.dup();
            Nd4j.exec(new AdamUpdater(update, vReference, mReference, lr * (iteration + 1), 0.9, 0.98, 1e-8, iteration));
            GradientFilter.axpy(lr * (iteration + 1) * wd, wReference, update);
            wReference.subi(update);

            // moments: relative to the vector's largest element (0.9·m + 0.1·g cancels in places)
            double mScale = mReference.amaxNumber().doubleValue();
            double vScale = vReference.amaxNumber().doubleValue();
            for (int i = 0; i < LENGTH; i++) {
                double expected = wReference.getDouble(i);
                assertThat(w.getDouble(i)).as("w[%d] after iteration %d", i, iteration)
                        .isCloseTo(expected, within(relative * Math.max(1, Math.abs(expected))));
                assertThat(m.getDouble(i)).as("m[%d]", i).isCloseTo(mReference.getDouble(i), within(relative * mScale));
                assertThat(v.getDouble(i)).as("v[%d]", i).isCloseTo(vReference.getDouble(i), within(relative * vScale));
            }
        }
        // the update moved the weights: the comparison above is not between two unchanged vectors
        assertThat(w.sub(random(new Random(7), type, 1.0)).norm2Number().doubleValue()).isGreaterThan(1e-3);
    }

    @Test
    void normIsTheEuclideanNormOfAView() {
        INDArray base = Nd4j.linspace(1, 20_000, 20_000, DataType.FLOAT);
        INDArray view = DirectParameters.view(base, 5, 99, 101); // elements 6 .. 10,004
        double expected = 0;
        for (int k = 6; k <= 10_004; k++) {
            expected += (double) k * k;
        }
        assertThat(HostArray.norm(view)).isCloseTo(Math.sqrt(expected), within(1e-9 * Math.sqrt(expected)));
    }

    private static INDArray random(Random random, DataType type, double scale) {
        double[] values = new double[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            values[i] = random.nextGaussian() * scale;
        }
        return Nd4j.createFromArray(values).castTo(type);
    }
}
