package dev.twophase.measure;

import java.util.Objects;

/**
 * The Gaussian channel T = g(h) + N(0, sigma2·I) through which the noise-based estimators read a layer's
 * representation h ({@link KdeMutualInformation}, {@link RenyiMutualInformation}). A deterministic network
 * has infinite I(T;X) on continuous activations; the noise makes it finite, and where the noise sits
 * relative to the representation decides what the number means.
 *
 * <ul>
 *   <li>{@link Scale#SPHERE}: each input's vector divided by its length, g(h) = h / |h| (a LayerNorm without
 *   centring or gain, scaled to radius 1), then noise of fixed variance. The channel does not move with the
 *   layer's scale, and sigma2 is a fixed resolution on a fixed sphere: the squared distance of two rows is
 *   2(1 - cos angle), so two inputs are told apart when 1 - cos angle is large against sigma2, whatever the
 *   layer's width (dividing by the root-mean-square instead puts rows on a sphere of radius sqrt(width), and
 *   the same sigma2 then means a finer angle in a wider layer). Invariant to any rescaling of single rows,
 *   global rescaling included.</li>
 *   <li>{@link Scale#ABSOLUTE}: g(h) = h and fixed sigma2 (Saxe et al. 2018's 0.1 for tanh units bounded in
 *   [-1, 1]); on unbounded activations whose scale grows it counts every input as distinct.</li>
 *   <li>{@link Scale#RELATIVE}: g(h) = h and sigma2 = noiseVariance · E|h - mean h|², the layer's total variance
 *   at this measurement: a channel at a signal-to-noise ratio fixed per step. Its I(T;X) is bounded by
 *   ½ Σ_k log2(1 + λ_k / (noiseVariance · Σλ)) over the covariance eigenvalues λ_k, so it follows the
 *   spectrum's anisotropy rather than information: a clustering index, not I(T;X).</li>
 * </ul>
 *
 * @param scale         how sigma2 relates to the representation
 * @param noiseVariance sigma2 (sphere: in units of the unit sphere's squared radius; absolute: per unit of the
 *                      raw representation) or its ratio to the total variance (relative)
 */
public record NoiseChannel(Scale scale, double noiseVariance) {

    /** Where the noise sits relative to the representation; see the class comment. */
    public enum Scale { SPHERE, ABSOLUTE, RELATIVE }

    /** The rows the noise is added to and the noise variance, for one measurement. */
    record Applied(float[][] rows, double sigma2) {
    }

    public NoiseChannel {
        Objects.requireNonNull(scale, "scale");
        if (!(noiseVariance > 0) || !Double.isFinite(noiseVariance)) {
            throw new IllegalArgumentException("noise variance must be positive and finite, was " + noiseVariance);
        }
    }

    /** @param h validated rows, {@code [n][units]} */
    Applied apply(float[][] h) {
        return switch (scale) {
            case SPHERE -> new Applied(unitLength(h), noiseVariance);
            case ABSOLUTE -> new Applied(h, noiseVariance);
            case RELATIVE -> {
                double spread = totalVariance(h);
                // Identical rows (no spread) give 0 bits under any positive sigma2.
                yield new Applied(h, spread > 0 ? noiseVariance * spread : noiseVariance);
            }
        };
    }

    /** Each row divided by its length; an all-zero row stays zero (it has no direction). */
    static float[][] unitLength(float[][] h) {
        float[][] out = new float[h.length][];
        for (int i = 0; i < h.length; i++) {
            float[] row = h[i];
            double squares = PairwiseDistances.dot(row, row, row.length);
            double scale = squares > 0 ? 1.0 / Math.sqrt(squares) : 0.0;
            out[i] = new float[row.length];
            for (int k = 0; k < row.length; k++) {
                out[i][k] = (float) (row[k] * scale);
            }
        }
        return out;
    }

    /** E|h - mean(h)|²: the sum over units of each unit's variance across the rows. */
    public static double totalVariance(float[][] h) {
        int units = h[0].length;
        double total = 0;
        for (int k = 0; k < units; k++) {
            double mean = 0;
            for (float[] row : h) {
                mean += row[k];
            }
            mean /= h.length;
            double sum = 0;
            for (float[] row : h) {
                double d = row[k] - mean;
                sum += d * d;
            }
            total += sum / h.length;
        }
        return total;
    }
}
