package dev.twophase.measure;

import java.util.function.Function;

/**
 * Linear mapping number (Liu, Zhong &amp; Tegmark 2023, "Grokking as Compression: A Nonlinear
 * Complexity Perspective", arXiv 2310.05918, Sec. 2): for n sample inputs x_i, evaluate the model at
 * 21 points x_i + t (x_j - x_i), t = 0, 0.05, ..., 1; L_ij is the mean over output dimensions of the
 * squared Pearson correlation between the output and t (1 when the map is linear along the segment),
 * L_ii = 1. S = entropy in bits of the normalised absolute eigenvalues of L, and LMN = 2^S: 1 for a
 * linear map, k for k mutually non-linearly related groups of inputs.
 *
 * <p>An output that is constant along a segment is counted as linear there (correlation 1): a
 * constant is a linear function of t, the correlation is merely undefined.
 */
public final class LinearMappingNumber {

    /** Interpolation points per pair, ends included. */
    public static final int STEPS = 21;

    private LinearMappingNumber() {
    }

    /**
     * @param samples the n inputs, {@code [n][inputWidth]}, n at least 1
     * @param model   points {@code [m][inputWidth]} to outputs {@code [m][outputs]}, evaluated once on all segments
     */
    public static double of(float[][] samples, Function<float[][], float[][]> model) {
        return fromMatrix(linearityMatrix(samples, model));
    }

    /** The matrix L of the paper. */
    static double[][] linearityMatrix(float[][] samples, Function<float[][], float[][]> model) {
        int width = Activations.validate(samples);
        int n = samples.length;
        int pairs = n * (n - 1) / 2;
        float[][] points = new float[pairs * STEPS][width];
        int row = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                for (int s = 0; s < STEPS; s++) {
                    double t = (double) s / (STEPS - 1);
                    for (int u = 0; u < width; u++) {
                        points[row][u] = (float) ((1 - t) * samples[i][u] + t * samples[j][u]);
                    }
                    row++;
                }
            }
        }
        float[][] out = pairs == 0 ? new float[0][] : model.apply(points);
        double[][] l = new double[n][n];
        row = 0;
        for (int i = 0; i < n; i++) {
            l[i][i] = 1.0;
            for (int j = i + 1; j < n; j++) {
                l[i][j] = l[j][i] = meanSquaredCorrelation(out, row);
                row += STEPS;
            }
        }
        return l;
    }

    /** 2^S with S the entropy (bits) of L's absolute eigenvalues, normalised to sum 1. */
    static double fromMatrix(double[][] l) {
        double[] eigenvalues = SymmetricEigenvalues.of(l);
        double sum = 0;
        for (double e : eigenvalues) {
            sum += Math.abs(e);
        }
        double entropy = 0;
        for (double e : eigenvalues) {
            double p = Math.abs(e) / sum;
            if (p > 0) {
                entropy -= p * Math.log(p);
            }
        }
        return Math.pow(2.0, entropy / Math.log(2.0));
    }

    /** Mean over output dimensions of corr(output(t), t)^2 on the STEPS rows from {@code from}. */
    private static double meanSquaredCorrelation(float[][] out, int from) {
        int outputs = out[from].length;
        double tMean = 0.5;
        double tVariance = 0;
        for (int s = 0; s < STEPS; s++) {
            double dt = (double) s / (STEPS - 1) - tMean;
            tVariance += dt * dt;
        }
        double total = 0;
        for (int o = 0; o < outputs; o++) {
            double mean = 0;
            for (int s = 0; s < STEPS; s++) {
                mean += out[from + s][o];
            }
            mean /= STEPS;
            double covariance = 0;
            double variance = 0;
            for (int s = 0; s < STEPS; s++) {
                double dy = out[from + s][o] - mean;
                covariance += dy * ((double) s / (STEPS - 1) - tMean);
                variance += dy * dy;
            }
            total += variance == 0 ? 1.0 : covariance * covariance / (variance * tVariance);
        }
        return total / outputs;
    }
}
