package dev.twophase.training;

import dev.twophase.training.TrainingSetup.GradientFilterSetup;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Grokfast gradient filters (Lee et al. 2024, arXiv 2405.20233, Algorithms 1 and 2) on the flat
 * gradient vector: {@code g ← g + λ·filter(g)}. Their state is part of a checkpoint.
 */
abstract class GradientFilter implements AutoCloseable {

    /** Replaces {@code gradient} in place by the filtered gradient. */
    abstract void apply(INDArray gradient);

    abstract void write(DataOutputStream out) throws IOException;

    abstract void read(DataInputStream in) throws IOException;

    @Override
    public void close() {
    }

    static GradientFilter of(GradientFilterSetup setup, long length, org.nd4j.linalg.api.buffer.DataType dtype) {
        return switch (setup.type()) {
            case NONE -> new None();
            case EMA -> new Ema(setup.alpha(), setup.lambda(), Nd4j.create(dtype, length));
            case MA -> new MovingAverage(setup.window(), setup.lambda(), Nd4j.create(dtype, setup.window(), length),
                    Nd4j.create(dtype, length));
        };
    }

    /** {@code y ← y + a·x}. */
    static void axpy(double a, INDArray x, INDArray y) {
        Nd4j.exec(new Axpy(x, y, y, a));
    }

    static final class None extends GradientFilter {
        @Override
        void apply(INDArray gradient) {
        }

        @Override
        void write(DataOutputStream out) {
        }

        @Override
        void read(DataInputStream in) {
        }
    }

    /** Grokfast-EMA: {@code μ ← α·μ + (1−α)·g} (μ starts at the first gradient), {@code g ← g + λ·μ}. */
    static final class Ema extends GradientFilter {
        private final double alpha;
        private final double lambda;
        private final INDArray average;
        private boolean started;

        Ema(double alpha, double lambda, INDArray average) {
            this.alpha = alpha;
            this.lambda = lambda;
            this.average = average;
        }

        @Override
        void apply(INDArray gradient) {
            if (started) {
                average.muli(alpha);
                axpy(1 - alpha, gradient, average);
            } else {
                average.assign(gradient);
                started = true;
            }
            axpy(lambda, average, gradient);
        }

        @Override
        void write(DataOutputStream out) throws IOException {
            out.writeBoolean(started);
            EngineState.writeArray(out, average);
        }

        @Override
        void read(DataInputStream in) throws IOException {
            started = in.readBoolean();
            EngineState.readArray(in, average);
        }

        @Override
        public void close() {
            average.close();
        }
    }

    /**
     * Grokfast-MA: the mean of the last {@code window} gradients (this one included), added only once
     * {@code window} gradients have been seen (the paper's warm-up). The window is a ring of rows;
     * its running sum is recomputed exactly every time the ring wraps, so rounding cannot drift.
     */
    static final class MovingAverage extends GradientFilter {
        private final int window;
        private final double lambda;
        private final INDArray ring;
        private final INDArray sum;
        private long seen;

        MovingAverage(int window, double lambda, INDArray ring, INDArray sum) {
            this.window = window;
            this.lambda = lambda;
            this.ring = ring;
            this.sum = sum;
        }

        @Override
        void apply(INDArray gradient) {
            int slot = (int) (seen % window);
            INDArray row = ring.getRow(slot);
            if (seen >= window) {
                sum.subi(row);
            }
            row.assign(gradient);
            seen++;
            if (seen % window == 0) {
                ring.sum(sum, 0);
            } else {
                sum.addi(gradient);
            }
            if (seen >= window) {
                axpy(lambda / window, sum, gradient);
            }
        }

        @Override
        void write(DataOutputStream out) throws IOException {
            out.writeLong(seen);
            EngineState.writeArray(out, ring);
            EngineState.writeArray(out, sum);
        }

        @Override
        void read(DataInputStream in) throws IOException {
            seen = in.readLong();
            EngineState.readArray(in, ring);
            EngineState.readArray(in, sum);
        }

        @Override
        public void close() {
            ring.close();
            sum.close();
        }
    }
}
