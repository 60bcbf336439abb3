package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The host AdamW pass (torch.optim.AdamW's arithmetic) against ND4J's {@code AdamUpdater} op (what
 * the SameDiff reference runs), then {@code update += lr·wd·w}, then {@code w -= update}, over
 * several iterations (the bias correction changes with each), in double (agreement to rounding)
 * and in float (to float rounding). The two forms differ only in where epsilon is added: torch's
 * {@code ε} after the bias correction is DL4J's {@code ε·√(1−β2^t)} before it, so the op runs with
 * that epsilon. A second test transcribes torch's update literally. The length is not a multiple of
 * the host chunk.
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
            double epsilon = 1e-8 * Math.sqrt(1 - Math.pow(0.98, iteration + 1));
            Nd4j.exec(new AdamUpdater(update, vReference, mReference, lr * (iteration + 1), 0.9, 0.98, epsilon, iteration));
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

    /**
     * torch.optim.AdamW (1.13, single-tensor path) written out for scalars: decay, moments,
     * {@code denom = √v/√(1−β2^t) + ε}, {@code w += −lr/(1−β1^t) · m/denom}. Gradients down to 1e-9,
     * where √v is comparable to ε and DL4J's placement of ε gives a visibly different step.
     */
    @Test
    void isTorchsAdamWWithEpsilonAfterTheBiasCorrection() {
        double[] gradients = {0.3, -2e-3, 1e-6, -1e-9, 0.0};
        int n = gradients.length;
        INDArray w = Nd4j.createFromArray(0.5, -0.25, 1.0, 2.0, -1.0);
        INDArray m = Nd4j.create(DataType.DOUBLE, n);
        INDArray v = Nd4j.create(DataType.DOUBLE, n);
        double[] tw = w.toDoubleVector();
        double[] tm = new double[n];
        double[] tv = new double[n];
        double[] dl4j = w.toDoubleVector();
        double[] dm = new double[n];
        double[] dv = new double[n];
        double lr = 1e-3;
        double wd = 1.0;
        double b1 = 0.9;
        double b2 = 0.98;
        double eps = 1e-8;
        AdamW adam = new AdamW(b1, b2, eps);
        for (int iteration = 0; iteration < 3; iteration++) {
            adam.step(w, Nd4j.createFromArray(gradients), m, v, lr, wd, iteration);
            int t = iteration + 1;
            for (int i = 0; i < n; i++) {
                double g = gradients[i];
                tw[i] *= 1 - lr * wd;
                tm[i] = tm[i] * b1 + g * (1 - b1);
                tv[i] = tv[i] * b2 + (1 - b2) * g * g;
                double denom = Math.sqrt(tv[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                tw[i] += -(lr / (1 - Math.pow(b1, t))) * tm[i] / denom;

                dm[i] = b1 * dm[i] + (1 - b1) * g;
                dv[i] = b2 * dv[i] + (1 - b2) * g * g;
                double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
                dl4j[i] -= alpha * dm[i] / (Math.sqrt(dv[i]) + eps) + lr * wd * dl4j[i];
            }
            for (int i = 0; i < n; i++) {
                assertThat(w.getDouble(i)).as("w[%d], iteration %d", i, iteration).isCloseTo(tw[i], within(1e-15));
            }
        }
        // at g = -1e-9 the two placements of epsilon differ by a sizeable fraction of the step
        double torchStep = tw[3] - 2.0 * Math.pow(1 - lr * wd, 3);
        double dl4jStep = dl4j[3] - 2.0 * Math.pow(1 - lr * wd, 3);
        assertThat(Math.abs(torchStep - dl4jStep)).isGreaterThan(0.1 * Math.abs(torchStep));
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
