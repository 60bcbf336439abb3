package dev.twophase.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One AdamW step over the flat parameter vector in a single host pass, in the arithmetic (and the
 * operation order) of {@code torch.optim.AdamW}: per element, with t = iteration + 1,
 * <pre>
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *   w ← w·(1 − lr·wd) − (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)
 * </pre>
 * Until issue 19 this was DL4J's Adam form {@code w −= α_t·m/(√v + ε) + lr·wd·w} with
 * {@code α_t = lr·√(1−β2^t)/(1−β1^t)}: the same except that ε is added before the bias correction
 * (an effective ε·√(1−β2^t), 7x smaller at t = 1). That alone moved the training loss 2e-4
 * (relative) away from PyTorch's within 100 steps (BENCHMARKS.md, "Step for step against PyTorch").
 * {@code AdamWTest} checks it against ND4J's Adam op with that effective ε.
 *
 * <p>As ND4J operations this was three passes (the Adam op, an axpy for the decay, a subtraction):
 * 4.6 ms per step for the paper's model on one thread against 1.3 ms here (float arithmetic as
 * PyTorch's float32 kernels, in loops the JIT vectorises; double for double vectors).
 */
final class AdamW {

    /** Elements per host chunk: four chunks stay in L1/L2. */
    private static final int CHUNK = 4096;

    private final double beta1;
    private final double beta2;
    private final double epsilon;

    AdamW(double beta1, double beta2, double epsilon) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /**
     * Updates {@code weights}, {@code firstMoment} and {@code secondMoment} in place from
     * {@code gradient} (left unchanged); {@code iteration} counts from 0.
     */
    void step(INDArray weights, INDArray gradient, INDArray firstMoment, INDArray secondMoment,
              double learningRate, double weightDecay, long iteration) {
        int length = (int) weights.length();
        if (gradient.length() != length || firstMoment.length() != length || secondMoment.length() != length) {
            throw new IllegalArgumentException("weights, gradient and moments differ in length");
        }
        // the scalars as torch computes them (in double, then applied to float tensors as floats)
        double stepSize = learningRate / (1 - Math.pow(beta1, iteration + 1));
        double correction2 = Math.sqrt(1 - Math.pow(beta2, iteration + 1));
        double decay = 1 - learningRate * weightDecay;
        boolean floats = weights.dataType() == DataType.FLOAT;
        Range range = new Range(weights, gradient, firstMoment, secondMoment);
        for (int at = 0; at < length; at += CHUNK) {
            int count = Math.min(CHUNK, length - at);
            if (floats) {
                range.floatChunk(at, count, (float) stepSize, (float) correction2, (float) decay);
            } else {
                range.doubleChunk(at, count, stepSize, correction2, decay);
            }
        }
        range.flush();
    }

    /** The four vectors' host views and a chunk of scratch each. */
    private final class Range {
        private final HostArray w;
        private final HostArray g;
        private final HostArray m;
        private final HostArray v;
        private final float[][] f = new float[4][CHUNK];
        private final double[][] x = new double[4][CHUNK];

        Range(INDArray weights, INDArray gradient, INDArray firstMoment, INDArray secondMoment) {
            w = HostArray.of(weights);
            g = HostArray.of(gradient);
            m = HostArray.of(firstMoment);
            v = HostArray.of(secondMoment);
        }

        void floatChunk(int at, int count, float stepSize, float correction2, float decay) {
            float[] wf = f[0];
            float[] gf = f[1];
            float[] mf = f[2];
            float[] vf = f[3];
            w.read(at, wf, 0, count);
            g.read(at, gf, 0, count);
            m.read(at, mf, 0, count);
            v.read(at, vf, 0, count);
            float b1 = (float) beta1;
            float b2 = (float) beta2;
            float c1 = (float) (1 - beta1);
            float c2 = (float) (1 - beta2);
            float eps = (float) epsilon;
            for (int i = 0; i < count; i++) {
                float gi = gf[i];
                float mi = b1 * mf[i] + c1 * gi;
                float vi = b2 * vf[i] + c2 * (gi * gi);
                mf[i] = mi;
                vf[i] = vi;
                wf[i] = wf[i] * decay - stepSize * (mi / ((float) Math.sqrt(vi) / correction2 + eps));
            }
            w.write(at, wf, 0, count);
            m.write(at, mf, 0, count);
            v.write(at, vf, 0, count);
        }

        void doubleChunk(int at, int count, double stepSize, double correction2, double decay) {
            double[] wd = x[0];
            double[] gd = x[1];
            double[] md = x[2];
            double[] vd = x[3];
            w.read(at, wd, 0, count);
            g.read(at, gd, 0, count);
            m.read(at, md, 0, count);
            v.read(at, vd, 0, count);
            for (int i = 0; i < count; i++) {
                double gi = gd[i];
                double mi = beta1 * md[i] + (1 - beta1) * gi;
                double vi = beta2 * vd[i] + (1 - beta2) * (gi * gi);
                md[i] = mi;
                vd[i] = vi;
                wd[i] = wd[i] * decay - stepSize * (mi / (Math.sqrt(vi) / correction2 + epsilon));
            }
            w.write(at, wd, 0, count);
            m.write(at, md, 0, count);
            v.write(at, vd, 0, count);
        }

        void flush() {
            w.flush();
            m.flush();
            v.flush();
        }
    }
}
