package dev.twophase.training;

import static dev.twophase.training.TransformerKernels.BACKWARD_TILE;
import static dev.twophase.training.TransformerKernels.T;
import static dev.twophase.training.TransformerKernels.TILE;
import static dev.twophase.training.TransformerKernels.pair;
import static dev.twophase.training.TransformerKernels.softmax;

import dev.twophase.training.TransformerKernels.Attention;
import dev.twophase.training.TransformerKernels.Tile;
import java.util.Arrays;

/**
 * {@link TransformerKernels#attention} and {@link TransformerKernels#attentionBackward} in float
 * arithmetic on float arrays, the default engine's: no widening copies, and the mixing and axpy loops
 * vectorise. Softmax scores and the softmax gradient's Σ_w p_w·dp_w stay double, as in {@link DoubleAttention}.
 */
final class FloatAttention {

    private final int d;
    private final int heads;
    private final int dHead;
    private final double scale;

    FloatAttention(int d, int heads, double scale) {
        this.d = d;
        this.heads = heads;
        this.dHead = d / heads;
        this.scale = scale;
    }

    /** {@link TransformerKernels#attention}: scores, softmax into the pattern, mixing of the values. */
    void forward(Attention x, AttentionHost io) {
        float[] k = new float[T * TILE * d];
        float[] v = new float[T * TILE * d];
        float[] q = new float[TILE * d];
        float[] z = new float[TILE * d];
        float[] p = new float[T * TILE * heads];
        double[] score = new double[T];
        for (int i0 = 0; i0 < x.n(); i0 += TILE) {
            Tile tile = Tile.at(x.n(), TILE, i0);
            io.readKeysValues(tile, k, v);
            for (int t = x.first(); t < T; t++) {
                if (t == 0) { // attends to itself only: pattern 1, output v_0; the query is not computed
                    Arrays.fill(p, 0, tile.size() * heads, 1f);
                    io.writeOutput(tile, 0, v, p);
                    continue;
                }
                io.readQueries(tile, t, q);
                for (int i = 0; i < tile.size(); i++) {
                    for (int h = 0; h < heads; h++) {
                        int at = i * d + h * dHead;
                        for (int u = 0; u <= t; u++) {
                            score[u] = scale * dot(q, at, k, tile.inTile(u, d) + at);
                        }
                        softmax(score, t + 1);
                        for (int u = 0; u <= t; u++) {
                            p[tile.inTile(u, heads) + i * heads + h] = (float) score[u];
                        }
                        Arrays.fill(z, at, at + dHead, 0f);
                        for (int u = 0; u <= t; u++) { // axpy form: the JIT vectorises it
                            float pu = (float) score[u];
                            int vu = tile.inTile(u, d) + at;
                            for (int j = 0; j < dHead; j++) {
                                z[at + j] += pu * v[vu + j];
                            }
                        }
                    }
                }
                io.writeOutput(tile, t, z, p);
            }
        }
    }

    /** {@link TransformerKernels#attentionBackward}: dV, then through the softmax into dQ and dK. */
    void backward(Attention x, AttentionHost io) {
        int first = x.first();
        float[] k = new float[T * BACKWARD_TILE * d];
        float[] v = new float[T * BACKWARD_TILE * d];
        float[] q = new float[T * BACKWARD_TILE * d];
        float[] g = new float[T * BACKWARD_TILE * d];
        float[] p = new float[6 * BACKWARD_TILE * heads];
        float[] dk = new float[T * BACKWARD_TILE * d];
        float[] dv = new float[T * BACKWARD_TILE * d];
        float[] dq = new float[BACKWARD_TILE * d];
        double[] dp = new double[T];
        for (int i0 = 0; i0 < x.n(); i0 += BACKWARD_TILE) {
            Tile tile = Tile.at(x.n(), BACKWARD_TILE, i0);
            io.readBackwardInputs(tile, k, v, g, q, p);
            Arrays.fill(dk, 0f);
            Arrays.fill(dv, 0f);
            for (int t = first; t < T; t++) {
                for (int i = 0; i < tile.size(); i++) {
                    for (int h = 0; h < heads; h++) {
                        int at = i * d + h * dHead;
                        int gt = tile.inTile(t, d) + at;
                        double r = 0;
                        for (int u = 0; u <= t; u++) {
                            float pu = p[tile.inTile(pair(t, u), heads) + i * heads + h];
                            int vu = tile.inTile(u, d) + at;
                            float dot = 0;
                            for (int j = 0; j < dHead; j++) {
                                float gj = g[gt + j];
                                dot += gj * v[vu + j];
                                dv[vu + j] += pu * gj;
                            }
                            dp[u] = dot;
                            r += pu * dot;
                        }
                        if (t == 0) {
                            continue; // a softmax over one key has no gradient
                        }
                        Arrays.fill(dq, at, at + dHead, 0f);
                        int qt = tile.inTile(t, d) + at;
                        for (int u = 0; u <= t; u++) {
                            float ds = (float) (scale * p[tile.inTile(pair(t, u), heads) + i * heads + h] * (dp[u] - r));
                            int ku = tile.inTile(u, d) + at;
                            for (int j = 0; j < dHead; j++) {
                                dq[at + j] += ds * k[ku + j];
                                dk[ku + j] += ds * q[qt + j];
                            }
                        }
                    }
                }
                if (t == 0) {
                    Arrays.fill(dq, 0, tile.size() * d, 0f);
                }
                io.writeQueryGradient(tile, t, dq);
            }
            io.writeKeyValueGradients(tile, dk, dv);
        }
    }

    /** Dot product of dHead elements from {@code a[ai]} and {@code b[bi]}, in two interleaved float sums. */
    private float dot(float[] a, int ai, float[] b, int bi) {
        float dot0 = 0;
        float dot1 = 0;
        int j = 0;
        for (; j + 1 < dHead; j += 2) {
            dot0 += a[ai + j] * b[bi + j];
            dot1 += a[ai + j + 1] * b[bi + j + 1];
        }
        if (j < dHead) {
            dot0 += a[ai + j] * b[bi + j];
        }
        return dot0 + dot1;
    }
}
