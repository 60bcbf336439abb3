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
 * {@link TransformerKernels#attention} and {@link TransformerKernels#attentionBackward} in double
 * arithmetic, for the double-precision engine (the finite-difference gradient check).
 */
final class DoubleAttention {

    private final int d;
    private final int heads;
    private final int dHead;
    private final double scale;

    DoubleAttention(int d, int heads, double scale) {
        this.d = d;
        this.heads = heads;
        this.dHead = d / heads;
        this.scale = scale;
    }

    /** {@link TransformerKernels#attention}: scores, softmax into the pattern, mixing of the values. */
    void forward(Attention x, AttentionHost io) {
        double[] k = new double[T * TILE * d];
        double[] v = new double[T * TILE * d];
        double[] q = new double[TILE * d];
        double[] z = new double[TILE * d];
        double[] p = new double[T * TILE * heads];
        double[] score = new double[T];
        for (int i0 = 0; i0 < x.n(); i0 += TILE) {
            Tile tile = Tile.at(x.n(), TILE, i0);
            io.readKeysValues(tile, k, v);
            for (int t = x.first(); t < T; t++) {
                if (t == 0) { // attends to itself only: pattern 1, output v_0; the query is not computed
                    Arrays.fill(p, 0, tile.size() * heads, 1.0);
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
                            p[tile.inTile(u, heads) + i * heads + h] = score[u];
                        }
                        for (int j = 0; j < dHead; j++) {
                            double acc = 0;
                            for (int u = 0; u <= t; u++) {
                                acc += score[u] * v[tile.inTile(u, d) + at + j];
                            }
                            z[at + j] = acc;
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
        double[] k = new double[T * BACKWARD_TILE * d];
        double[] v = new double[T * BACKWARD_TILE * d];
        double[] q = new double[T * BACKWARD_TILE * d];
        double[] g = new double[T * BACKWARD_TILE * d];
        double[] p = new double[6 * BACKWARD_TILE * heads];
        double[] dk = new double[T * BACKWARD_TILE * d];
        double[] dv = new double[T * BACKWARD_TILE * d];
        double[] dq = new double[BACKWARD_TILE * d];
        double[] dp = new double[T];
        for (int i0 = 0; i0 < x.n(); i0 += BACKWARD_TILE) {
            Tile tile = Tile.at(x.n(), BACKWARD_TILE, i0);
            io.readBackwardInputs(tile, k, v, g, q, p);
            Arrays.fill(dk, 0.0);
            Arrays.fill(dv, 0.0);
            for (int t = first; t < T; t++) {
                for (int i = 0; i < tile.size(); i++) {
                    for (int h = 0; h < heads; h++) {
                        int at = i * d + h * dHead;
                        int gt = tile.inTile(t, d) + at;
                        double r = 0;
                        for (int u = 0; u <= t; u++) {
                            double pu = p[tile.inTile(pair(t, u), heads) + i * heads + h];
                            int vu = tile.inTile(u, d) + at;
                            double dot = 0;
                            for (int j = 0; j < dHead; j++) {
                                double gj = g[gt + j];
                                dot += gj * v[vu + j];
                                dv[vu + j] += pu * gj;
                            }
                            dp[u] = dot;
                            r += pu * dot;
                        }
                        if (t == 0) {
                            continue; // a softmax over one key has no gradient
                        }
                        Arrays.fill(dq, at, at + dHead, 0.0);
                        int qt = tile.inTile(t, d) + at;
                        for (int u = 0; u <= t; u++) {
                            double ds = scale * p[tile.inTile(pair(t, u), heads) + i * heads + h] * (dp[u] - r);
                            int ku = tile.inTile(u, d) + at;
                            for (int j = 0; j < dHead; j++) {
                                dq[at + j] += ds * k[ku + j];
                                dk[ku + j] += ds * q[qt + j];
                            }
                        }
                    }
                }
                if (t == 0) {
                    Arrays.fill(dq, 0, tile.size() * d, 0.0);
                }
                io.writeQueryGradient(tile, t, dq);
            }
            io.writeKeyValueGradients(tile, dk, dv);
        }
    }

    /** Dot product of dHead elements from {@code a[ai]} and {@code b[bi]}, in two interleaved sums. */
    private double dot(double[] a, int ai, double[] b, int bi) {
        double dot0 = 0;
        double dot1 = 0;
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
