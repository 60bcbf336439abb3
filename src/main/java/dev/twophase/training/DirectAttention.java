package dev.twophase.training;

import dev.twophase.training.DirectTransformer.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static dev.twophase.training.DirectTransformer.T;
import static dev.twophase.training.DirectTransformer.TILE;
import static dev.twophase.training.DirectTransformer.pair;

/**
 * The causal attention of one {@link DirectTransformer} block over three tokens and its gradient, on
 * the host in tiles that stay in cache; in double (the gradient check's reference) and in float.
 */
final class DirectAttention {

    /** Samples per host tile of {@link #backward}: its ten [tile, dModel]-sized arrays stay in L2. */
    private static final int BACKWARD_TILE = 16;

    private final int d;
    private final int heads;
    private final double scale;

    DirectAttention(int d, int heads) {
        this.d = d;
        this.heads = heads;
        this.scale = 1.0 / Math.sqrt(d / heads);
    }

    /**
     * Causal attention of one block on the host: per sample, head and query position t, the scores
     * {@code scale·q_t·k_u} for u <= t, their softmax into {@code a.pattern} and {@code Σ_u p_u·v_u}
     * into {@code a.mixed}. Three tokens make this 6 dot products of dHead per sample and head: as
     * ND4J operations it was ~40 element-wise ops and thin gemms over [n, dModel] per block (most of
     * a forward pass's time); here it is one read of Q, K, V and one write of the results, in tiles of
     * {@link DirectTransformer#TILE} samples, accumulated in double.
     */
    void forward(Buffers b, Buffers.LayerBuffers a) {
        int n = b.n;
        int first = T - a.q;
        int dHead = d / heads;
        HostArray queries = HostArray.of(a.queries);
        HostArray keys = HostArray.of(a.keys);
        HostArray values = HostArray.of(a.values);
        HostArray pattern = HostArray.of(a.pattern);
        HostArray mixed = HostArray.of(a.mixed);
        double[] k = new double[T * TILE * d];
        double[] v = new double[T * TILE * d];
        double[] q = new double[TILE * d];
        double[] z = new double[TILE * d];
        double[] p = new double[T * TILE * heads];
        double[] score = new double[T];
        for (int i0 = 0; i0 < n; i0 += TILE) {
            int s = Math.min(TILE, n - i0);
            for (int u = 0; u < T; u++) {
                keys.read((u * n + i0) * d, k, u * TILE * d, s * d);
                values.read((u * n + i0) * d, v, u * TILE * d, s * d);
            }
            for (int t = first; t < T; t++) {
                if (t == 0) { // attends to itself only: pattern 1, output v_0; the query is not computed
                    Arrays.fill(p, 0, s * heads, 1.0);
                    mixed.write(i0 * d, v, 0, s * d);
                    pattern.write(i0 * heads, p, 0, s * heads);
                    continue;
                }
                queries.read(((t - first) * n + i0) * d, q, 0, s * d);
                for (int i = 0; i < s; i++) {
                    for (int h = 0; h < heads; h++) {
                        int at = i * d + h * dHead;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int u = 0; u <= t; u++) {
                            int ku = u * TILE * d + at;
                            double dot0 = 0;
                            double dot1 = 0;
                            int j = 0;
                            for (; j + 1 < dHead; j += 2) {
                                dot0 += q[at + j] * k[ku + j];
                                dot1 += q[at + j + 1] * k[ku + j + 1];
                            }
                            if (j < dHead) {
                                dot0 += q[at + j] * k[ku + j];
                            }
                            score[u] = scale * (dot0 + dot1);
                            max = Math.max(max, score[u]);
                        }
                        double sum = 0;
                        for (int u = 0; u <= t; u++) {
                            score[u] = Math.exp(score[u] - max);
                            sum += score[u];
                        }
                        for (int u = 0; u <= t; u++) {
                            score[u] /= sum;
                            p[u * TILE * heads + i * heads + h] = score[u];
                        }
                        for (int j = 0; j < dHead; j++) {
                            double acc = 0;
                            for (int u = 0; u <= t; u++) {
                                acc += score[u] * v[u * TILE * d + at + j];
                            }
                            z[at + j] = acc;
                        }
                    }
                }
                mixed.write(((t - first) * n + i0) * d, z, 0, s * d);
                for (int u = 0; u <= t; u++) {
                    pattern.write((pair(t, u) * n + i0) * heads, p, u * TILE * heads, s * heads);
                }
            }
        }
        mixed.flush();
        pattern.flush();
    }

    /** {@link #forward} in float arithmetic on float arrays (no widening copies; the mixing loop vectorises). */
    void forwardFloat(Buffers b, Buffers.LayerBuffers a) {
        int n = b.n;
        int first = T - a.q;
        int dHead = d / heads;
        HostArray queries = HostArray.of(a.queries);
        HostArray keys = HostArray.of(a.keys);
        HostArray values = HostArray.of(a.values);
        HostArray pattern = HostArray.of(a.pattern);
        HostArray mixed = HostArray.of(a.mixed);
        float[] k = new float[T * TILE * d];
        float[] v = new float[T * TILE * d];
        float[] q = new float[TILE * d];
        float[] z = new float[TILE * d];
        float[] p = new float[T * TILE * heads];
        double[] score = new double[T];
        for (int i0 = 0; i0 < n; i0 += TILE) {
            int s = Math.min(TILE, n - i0);
            for (int u = 0; u < T; u++) {
                keys.read((u * n + i0) * d, k, u * TILE * d, s * d);
                values.read((u * n + i0) * d, v, u * TILE * d, s * d);
            }
            for (int t = first; t < T; t++) {
                if (t == 0) { // attends to itself only: pattern 1, output v_0; the query is not computed
                    Arrays.fill(p, 0, s * heads, 1f);
                    mixed.write(i0 * d, v, 0, s * d);
                    pattern.write(i0 * heads, p, 0, s * heads);
                    continue;
                }
                queries.read(((t - first) * n + i0) * d, q, 0, s * d);
                for (int i = 0; i < s; i++) {
                    for (int h = 0; h < heads; h++) {
                        int at = i * d + h * dHead;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int u = 0; u <= t; u++) {
                            int ku = u * TILE * d + at;
                            float dot0 = 0;
                            float dot1 = 0;
                            int j = 0;
                            for (; j + 1 < dHead; j += 2) {
                                dot0 += q[at + j] * k[ku + j];
                                dot1 += q[at + j + 1] * k[ku + j + 1];
                            }
                            if (j < dHead) {
                                dot0 += q[at + j] * k[ku + j];
                            }
                            score[u] = scale * (dot0 + dot1);
                            max = Math.max(max, score[u]);
                        }
                        double sum = 0;
                        for (int u = 0; u <= t; u++) {
                            score[u] = Math.exp(score[u] - max);
                            sum += score[u];
                        }
                        for (int u = 0; u <= t; u++) {
                            score[u] /= sum;
                            p[u * TILE * heads + i * heads + h] = (float) score[u];
                        }
                        Arrays.fill(z, at, at + dHead, 0f);
                        for (int u = 0; u <= t; u++) { // axpy form: the JIT vectorises it
                            float pu = (float) score[u];
                            int vu = u * TILE * d + at;
                            for (int j = 0; j < dHead; j++) {
                                z[at + j] += pu * v[vu + j];
                            }
                        }
                    }
                }
                mixed.write(((t - first) * n + i0) * d, z, 0, s * d);
                for (int u = 0; u <= t; u++) {
                    pattern.write((pair(t, u) * n + i0) * heads, p, u * TILE * heads, s * heads);
                }
            }
        }
        mixed.flush();
        pattern.flush();
    }

    /**
     * The backward pass of {@link #forward} on the host, tile by tile: from {@code dZ} (gradient of
     * {@code a.mixed}) to the gradients of the queries ({@code dQ}, q·n rows; zero at position a, whose
     * query is never used), keys and values ({@code b.dK}, {@code b.dV}, all 3n rows), every one
     * overwritten. Per sample, head and query position t, with p_u the pattern and g = dz_t:
     * {@code dv_u += p_u·g}, {@code dp_u = g·v_u}, {@code ds_u = scale·p_u·(dp_u − Σ_w p_w·dp_w)},
     * {@code dq_t = Σ_u ds_u·k_u}, {@code dk_u += ds_u·q_t}. As ND4J operations this was ~60
     * element-wise operations and thin gemms over [n, dModel] per block, the largest share of a
     * training step after the matrix products.
     */
    void backward(Buffers b, Buffers.LayerBuffers a, INDArray dZ, INDArray dQ) {
        int n = b.n;
        int first = T - a.q;
        int dHead = d / heads;
        int tile = BACKWARD_TILE;
        HostArray queries = HostArray.of(a.queries);
        HostArray keys = HostArray.of(a.keys);
        HostArray values = HostArray.of(a.values);
        HostArray pattern = HostArray.of(a.pattern);
        HostArray gradient = HostArray.of(dZ);
        HostArray dQueries = HostArray.of(dQ);
        HostArray dKeys = HostArray.of(b.dK);
        HostArray dValues = HostArray.of(b.dV);
        double[] k = new double[T * tile * d];
        double[] v = new double[T * tile * d];
        double[] q = new double[T * tile * d];
        double[] g = new double[T * tile * d];
        double[] p = new double[6 * tile * heads];
        double[] dk = new double[T * tile * d];
        double[] dv = new double[T * tile * d];
        double[] dq = new double[tile * d];
        double[] dp = new double[T];
        for (int i0 = 0; i0 < n; i0 += tile) {
            int s = Math.min(tile, n - i0);
            for (int u = 0; u < T; u++) {
                keys.read((u * n + i0) * d, k, u * tile * d, s * d);
                values.read((u * n + i0) * d, v, u * tile * d, s * d);
            }
            for (int t = first; t < T; t++) {
                gradient.read(((t - first) * n + i0) * d, g, t * tile * d, s * d);
                if (t > 0) {
                    queries.read(((t - first) * n + i0) * d, q, t * tile * d, s * d);
                }
                for (int u = 0; u <= t; u++) {
                    pattern.read((pair(t, u) * n + i0) * heads, p, pair(t, u) * tile * heads, s * heads);
                }
            }
            Arrays.fill(dk, 0.0);
            Arrays.fill(dv, 0.0);
            for (int t = first; t < T; t++) {
                int gt = t * tile * d;
                for (int i = 0; i < s; i++) {
                    for (int h = 0; h < heads; h++) {
                        int at = i * d + h * dHead;
                        double r = 0;
                        for (int u = 0; u <= t; u++) {
                            double pu = p[pair(t, u) * tile * heads + i * heads + h];
                            int vu = u * tile * d + at;
                            double dot = 0;
                            for (int j = 0; j < dHead; j++) {
                                double gj = g[gt + at + j];
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
                        int qt = t * tile * d + at;
                        for (int u = 0; u <= t; u++) {
                            double ds = scale * p[pair(t, u) * tile * heads + i * heads + h] * (dp[u] - r);
                            int ku = u * tile * d + at;
                            for (int j = 0; j < dHead; j++) {
                                dq[at + j] += ds * k[ku + j];
                                dk[ku + j] += ds * q[qt + j];
                            }
                        }
                    }
                }
                if (t == 0) {
                    Arrays.fill(dq, 0, s * d, 0.0);
                }
                dQueries.write(((t - first) * n + i0) * d, dq, 0, s * d);
            }
            for (int u = 0; u < T; u++) {
                dKeys.write((u * n + i0) * d, dk, u * tile * d, s * d);
                dValues.write((u * n + i0) * d, dv, u * tile * d, s * d);
            }
        }
        dQueries.flush();
        dKeys.flush();
        dValues.flush();
    }

    /** {@link #backward} in float arithmetic on float arrays (no widening copies; the axpy loops vectorise). */
    void backwardFloat(Buffers b, Buffers.LayerBuffers a, INDArray dZ, INDArray dQ) {
        int n = b.n;
        int first = T - a.q;
        int dHead = d / heads;
        int tile = BACKWARD_TILE;
        HostArray queries = HostArray.of(a.queries);
        HostArray keys = HostArray.of(a.keys);
        HostArray values = HostArray.of(a.values);
        HostArray pattern = HostArray.of(a.pattern);
        HostArray gradient = HostArray.of(dZ);
        HostArray dQueries = HostArray.of(dQ);
        HostArray dKeys = HostArray.of(b.dK);
        HostArray dValues = HostArray.of(b.dV);
        float[] k = new float[T * tile * d];
        float[] v = new float[T * tile * d];
        float[] q = new float[T * tile * d];
        float[] g = new float[T * tile * d];
        float[] p = new float[6 * tile * heads];
        float[] dk = new float[T * tile * d];
        float[] dv = new float[T * tile * d];
        float[] dq = new float[tile * d];
        double[] dp = new double[T];
        for (int i0 = 0; i0 < n; i0 += tile) {
            int s = Math.min(tile, n - i0);
            for (int u = 0; u < T; u++) {
                keys.read((u * n + i0) * d, k, u * tile * d, s * d);
                values.read((u * n + i0) * d, v, u * tile * d, s * d);
            }
            for (int t = first; t < T; t++) {
                gradient.read(((t - first) * n + i0) * d, g, t * tile * d, s * d);
                if (t > 0) {
                    queries.read(((t - first) * n + i0) * d, q, t * tile * d, s * d);
                }
                for (int u = 0; u <= t; u++) {
                    pattern.read((pair(t, u) * n + i0) * heads, p, pair(t, u) * tile * heads, s * heads);
                }
            }
            Arrays.fill(dk, 0f);
            Arrays.fill(dv, 0f);
            for (int t = first; t < T; t++) {
                int gt = t * tile * d;
                for (int i = 0; i < s; i++) {
                    for (int h = 0; h < heads; h++) {
                        int at = i * d + h * dHead;
                        double r = 0;
                        for (int u = 0; u <= t; u++) {
                            float pu = p[pair(t, u) * tile * heads + i * heads + h];
                            int vu = u * tile * d + at;
                            float dot = 0;
                            for (int j = 0; j < dHead; j++) {
                                float gj = g[gt + at + j];
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
                        int qt = t * tile * d + at;
                        for (int u = 0; u <= t; u++) {
                            float ds = (float) (scale * p[pair(t, u) * tile * heads + i * heads + h] * (dp[u] - r));
                            int ku = u * tile * d + at;
                            for (int j = 0; j < dHead; j++) {
                                dq[at + j] += ds * k[ku + j];
                                dk[ku + j] += ds * q[qt + j];
                            }
                        }
                    }
                }
                if (t == 0) {
                    Arrays.fill(dq, 0, s * d, 0f);
                }
                dQueries.write(((t - first) * n + i0) * d, dq, 0, s * d);
            }
            for (int u = 0; u < T; u++) {
                dKeys.write((u * n + i0) * d, dk, u * tile * d, s * d);
                dValues.write((u * n + i0) * d, dv, u * tile * d, s * d);
            }
        }
        dQueries.flush();
        dKeys.flush();
        dValues.flush();
    }
}
