package dev.twophase.measure;

import java.util.Random;
import java.util.function.Function;

/**
 * Local complexity (Humayun, Balestriero &amp; Baraniuk 2024, "Deep Networks Always Grok and Here is
 * Why", arXiv 2402.15555, Sec. 3): around a point x of the model's continuous input space, a
 * cross-polytope frame of P orthonormal directions v_k at radius r, vertices x ± r·v_k; per layer,
 * the number of neurons whose pre-activation sign differs across the 2P vertices, i.e. whose hinge
 * (a ReLU's or GeLU's kink at 0) crosses the neighbourhood. Averaged over the points given.
 *
 * <p>The directions are drawn per point from a seeded Gaussian and orthonormalised (Gram-Schmidt),
 * so the same seed and points give the same frames.
 */
public final class LocalComplexity {

    private final int directions;
    private final double radius;
    private final long seed;

    /**
     * @param directions P, the number of orthonormal directions, at least 1 and at most the input width
     * @param radius     r, the distance of each vertex from its centre, positive
     * @param seed       seeds the directions
     */
    public LocalComplexity(int directions, double radius, long seed) {
        if (directions < 1) {
            throw new IllegalArgumentException("directions must be at least 1, was " + directions);
        }
        if (!(radius > 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException("radius must be positive and finite, was " + radius);
        }
        this.directions = directions;
        this.radius = radius;
        this.seed = seed;
    }

    /**
     * Mean number of sign-changing neurons per layer over the given centres.
     *
     * @param centres        the sample points, {@code [points][inputWidth]}
     * @param preActivations the model: vertices {@code [m][inputWidth]} to each layer's pre-activations
     *                       {@code [layer][m][neurons]}, evaluated once on all frames together
     * @return per layer, the mean count
     */
    public double[] perLayer(float[][] centres, Function<float[][], float[][][]> preActivations) {
        int width = Activations.validate(centres);
        if (directions > width) {
            throw new IllegalArgumentException(directions + " directions do not fit in a " + width + "-dimensional input");
        }
        int vertices = 2 * directions;
        float[][] all = new float[centres.length * vertices][];
        Random random = new Random(seed);
        for (int p = 0; p < centres.length; p++) {
            float[][] frame = crossPolytope(centres[p], random);
            System.arraycopy(frame, 0, all, p * vertices, vertices);
        }
        float[][][] z = preActivations.apply(all);
        double[] mean = new double[z.length];
        for (int layer = 0; layer < z.length; layer++) {
            long total = 0;
            for (int p = 0; p < centres.length; p++) {
                total += signChanges(z[layer], p * vertices, vertices);
            }
            mean[layer] = (double) total / centres.length;
        }
        return mean;
    }

    /** The 2P vertices centre ± r·v_k, with v_k orthonormal directions drawn from {@code random}. */
    float[][] crossPolytope(float[] centre, Random random) {
        int width = centre.length;
        double[][] v = new double[directions][width];
        for (int k = 0; k < directions; k++) {
            // Redraw in the (measure-zero) case of a direction dependent on the earlier ones.
            double norm;
            do {
                for (int u = 0; u < width; u++) {
                    v[k][u] = random.nextGaussian();
                }
                for (int prev = 0; prev < k; prev++) {
                    double projection = 0;
                    for (int u = 0; u < width; u++) {
                        projection += v[k][u] * v[prev][u];
                    }
                    for (int u = 0; u < width; u++) {
                        v[k][u] -= projection * v[prev][u];
                    }
                }
                double sq = 0;
                for (int u = 0; u < width; u++) {
                    sq += v[k][u] * v[k][u];
                }
                norm = Math.sqrt(sq);
            } while (norm < 1e-6);
            for (int u = 0; u < width; u++) {
                v[k][u] /= norm;
            }
        }
        float[][] vertices = new float[2 * directions][width];
        for (int k = 0; k < directions; k++) {
            for (int u = 0; u < width; u++) {
                vertices[2 * k][u] = (float) (centre[u] + radius * v[k][u]);
                vertices[2 * k + 1][u] = (float) (centre[u] - radius * v[k][u]);
            }
        }
        return vertices;
    }

    /** Neurons whose pre-activation is positive at some of the frame's vertices and not at others. */
    static int signChanges(float[][] z, int from, int count) {
        int neurons = z[from].length;
        int changing = 0;
        for (int j = 0; j < neurons; j++) {
            boolean first = z[from][j] > 0;
            for (int m = from + 1; m < from + count; m++) {
                if ((z[m][j] > 0) != first) {
                    changing++;
                    break;
                }
            }
        }
        return changing;
    }
}
