package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twophase.training.TrainingSetup.GradientFilterSetup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Grokfast's filters on hand-computed sequences: {@code g + λ·filter(g)}. */
class GradientFilterTest {

    private static double[] step(GradientFilter filter, double... g) {
        INDArray gradient = Nd4j.createFromArray(g);
        filter.apply(gradient);
        return gradient.toDoubleVector();
    }

    /** α = 0.5, λ = 2: μ1 = g1 → g1 + 2g1; μ2 = (g1 + g2)/2 → g2 + 2μ2. */
    @Test
    void emaStartsAtTheFirstGradientAndAveragesExponentially() {
        try (GradientFilter ema = GradientFilter.of(GradientFilterSetup.ema(0.5, 2.0), 2, DataType.DOUBLE)) {
            assertThat(step(ema, 1, 2)).containsExactly(3, 6);
            assertThat(step(ema, 3, 4)).containsExactly(7, 10);
            assertThat(step(ema, 0, 0)).containsExactly(2, 3); // μ3 = μ2/2 = (1, 1.5)
        }
    }

    /** Window 2, λ = 1: nothing until the window is full, then g + mean(last 2, this one included), across the ring's wrap. */
    @Test
    void movingAverageWaitsForAFullWindowThenAddsItsMean() {
        try (GradientFilter ma = GradientFilter.of(GradientFilterSetup.movingAverage(2, 1.0), 2, DataType.DOUBLE)) {
            assertThat(step(ma, 1, 2)).containsExactly(1, 2);
            assertThat(step(ma, 3, 4)).containsExactly(5, 7);   // mean (2, 3)
            assertThat(step(ma, 5, 6)).containsExactly(9, 11);  // mean of (3,4), (5,6)
            assertThat(step(ma, 0, 0)).containsExactly(2.5, 3); // mean of (5,6), (0,0)
            assertThat(step(ma, 2, 2)).containsExactly(3, 3);   // mean of (0,0), (2,2)
        }
    }

    @Test
    void stateRoundTripsMidWindow() throws IOException {
        for (GradientFilterSetup setup : new GradientFilterSetup[]{GradientFilterSetup.ema(0.9, 2.0),
                GradientFilterSetup.movingAverage(3, 1.5)}) {
            try (GradientFilter a = GradientFilter.of(setup, 2, DataType.DOUBLE);
                 GradientFilter b = GradientFilter.of(setup, 2, DataType.DOUBLE)) {
                step(a, 1, 2);
                step(a, 3, -4);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                a.write(new DataOutputStream(bytes));
                b.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                for (double[] g : new double[][]{{5, 6}, {-1, 0.5}, {2, 2}}) {
                    assertThat(step(b, g)).as(setup.type().name()).containsExactly(step(a, g));
                }
            }
        }
    }
}
