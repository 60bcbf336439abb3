package dev.twophase.measure;

/**
 * The geometry of one layer's representation over N inputs, measured beside every I(T;X) series so that a
 * fall of I(T;X) can be told apart from a rescaling (total variance), from the cloud flattening onto a few
 * directions (effective rank) and from inputs of one label gathering together (within/between ratio).
 *
 * @param totalVariance  tr(C) = E|h - mean h|², C the covariance over the N rows
 * @param effectiveRank  participation ratio (Σλ)² / Σλ² = tr(C)² / tr(C²) of C's eigenvalues λ: the number of
 *                       equally strong directions that would give the same ratio (1 ... width)
 * @param withinBetween  tr(Σ_W) / tr(Σ_B): the mean squared distance of rows to their label's mean over the
 *                       squared spread of the label means (weighted by label size); neural collapse's NC1
 *                       trace ratio (Papyan, Han &amp; Donoho 2020) without the pseudo-inverse; NaN with one label
 *                       or identical label means
 */
public record RepresentationGeometry(double totalVariance, double effectiveRank, double withinBetween) {

    /**
     * @param h      one row per input, {@code [n][units]}, all finite
     * @param labels the label of each row
     */
    public static RepresentationGeometry of(float[][] h, int[] labels) {
        return of(h, labels, GramProduct.JAVA);
    }

    /** @param gram computes the covariance as the Gram product of the centred columns */
    public static RepresentationGeometry of(float[][] h, int[] labels, GramProduct gram) {
        int units = Activations.validate(h, labels);
        int n = h.length;
        double[] mean = new double[units];
        for (float[] row : h) {
            for (int k = 0; k < units; k++) {
                mean[k] += row[k];
            }
        }
        for (int k = 0; k < units; k++) {
            mean[k] /= n;
        }
        // C = Xcᵀ Xc / n from the centred columns; floats keep the product cheap, the sums are in double.
        float[][] columns = new float[units][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < units; k++) {
                columns[k][i] = (float) (h[i][k] - mean[k]);
            }
        }
        double[] covariance = new double[units * units];
        gram.multiply(columns, columns, n, covariance);
        double trace = 0;
        double squares = 0;
        for (int a = 0; a < units; a++) {
            trace += covariance[a * units + a] / n;
            for (int b = 0; b < units; b++) {
                double c = covariance[a * units + b] / n;
                squares += c * c;
            }
        }
        double rank = squares > 0 ? trace * trace / squares : 0.0;
        return new RepresentationGeometry(trace, rank, withinBetween(h, labels, mean));
    }

    /** tr(Σ_W) / tr(Σ_B), each summed directly (a difference from tr(C) loses the small within part). */
    private static double withinBetween(float[][] h, int[] labels, double[] mean) {
        int units = mean.length;
        int[] classOf = Activations.denseLabels(labels);
        int classes = Activations.max(classOf) + 1;
        if (classes < 2) {
            return Double.NaN;
        }
        double[][] classMean = new double[classes][units];
        int[] size = new int[classes];
        for (int i = 0; i < h.length; i++) {
            size[classOf[i]]++;
            for (int k = 0; k < units; k++) {
                classMean[classOf[i]][k] += h[i][k];
            }
        }
        double between = 0;
        for (int c = 0; c < classes; c++) {
            for (int k = 0; k < units; k++) {
                classMean[c][k] /= size[c];
                double d = classMean[c][k] - mean[k];
                between += size[c] * d * d;
            }
        }
        double within = 0;
        for (int i = 0; i < h.length; i++) {
            double[] own = classMean[classOf[i]];
            for (int k = 0; k < units; k++) {
                double d = h[i][k] - own[k];
                within += d * d;
            }
        }
        return between > 0 ? within / between : Double.NaN;
    }
}
