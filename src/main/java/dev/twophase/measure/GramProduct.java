package dev.twophase.measure;

/**
 * The inner products of two sets of rows, {@code out[i·n + j] = a[i]·b[j]} in double for {@code a: [m][units]},
 * {@code b: [n][units]}: the one heavy product of the pairwise-distance estimators. {@link #JAVA} is exact
 * (products of floats summed in double, in index order); the worker passes a BLAS-backed one, tens of times
 * faster on the paper's layer sizes.
 */
@FunctionalInterface
public interface GramProduct {

    void multiply(float[][] a, float[][] b, int units, double[] out);

    /** Plain loops in double, four rows of {@code a} per pass over {@code b}. */
    GramProduct JAVA = (a, b, units, out) -> {
        int n = b.length;
        int i = 0;
        for (; i + 4 <= a.length; i += 4) {
            float[] p0 = a[i];
            float[] p1 = a[i + 1];
            float[] p2 = a[i + 2];
            float[] p3 = a[i + 3];
            for (int j = 0; j < n; j++) {
                float[] q = b[j];
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                for (int k = 0; k < units; k++) {
                    double x = q[k];
                    s0 += p0[k] * x;
                    s1 += p1[k] * x;
                    s2 += p2[k] * x;
                    s3 += p3[k] * x;
                }
                out[i * n + j] = s0;
                out[(i + 1) * n + j] = s1;
                out[(i + 2) * n + j] = s2;
                out[(i + 3) * n + j] = s3;
            }
        }
        for (; i < a.length; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = PairwiseDistances.dot(a[i], b[j], units);
            }
        }
    };
}
