package dev.twophase.training;

import static dev.twophase.training.TransformerKernels.T;
import static dev.twophase.training.TransformerKernels.pair;

import dev.twophase.training.TransformerKernels.Attention;
import dev.twophase.training.TransformerKernels.Tile;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Host access to one block's attention tensors, staged tile by tile between the position-major
 * buffers and a kernel's tile arrays (float[] or double[]: {@link FloatAttention}, {@link DoubleAttention}),
 * so that only the arithmetic is written once per precision. Tile array slots: K, V, the incoming
 * gradient and Q by position; the forward pattern by key position u, the backward one by {@link TransformerKernels#pair}.
 */
final class AttentionHost {

    private final int d;
    private final int heads;
    private final int first;
    private final HostArray queries;
    private final HostArray keys;
    private final HostArray values;
    private final HostArray pattern;
    /** Forward: the attention output written; backward: its gradient read. */
    private final HostArray mixed;
    private final HostArray dQueries;
    private final HostArray dKeys;
    private final HostArray dValues;

    private AttentionHost(Attention x, int d, int heads, INDArray mixed, INDArray dQ, INDArray dK, INDArray dV) {
        this.d = d;
        this.heads = heads;
        this.first = x.first();
        this.queries = HostArray.of(x.queries());
        this.keys = HostArray.of(x.keys());
        this.values = HostArray.of(x.values());
        this.pattern = HostArray.of(x.pattern());
        this.mixed = HostArray.of(mixed);
        this.dQueries = dQ == null ? null : HostArray.of(dQ);
        this.dKeys = dK == null ? null : HostArray.of(dK);
        this.dValues = dV == null ? null : HostArray.of(dV);
    }

    static AttentionHost forward(Attention x, int d, int heads) {
        return new AttentionHost(x, d, heads, x.mixed(), null, null, null);
    }

    static AttentionHost backward(Attention x, int d, int heads, INDArray dMixed, INDArray dQ, INDArray dK, INDArray dV) {
        return new AttentionHost(x, d, heads, dMixed, dQ, dK, dV);
    }

    /** K and V of all three positions into slots 0..2. */
    void readKeysValues(Tile tile, Object k, Object v) {
        for (int u = 0; u < T; u++) {
            tile.read(keys, u, d, k, u);
            tile.read(values, u, d, v, u);
        }
    }

    /** Forward: the queries of position t into slot 0. */
    void readQueries(Tile tile, int t, Object q) {
        tile.read(queries, t - first, d, q, 0);
    }

    /** Forward: position t's output from slot 0 of {@code z} and its pattern against u <= t from slots u of {@code p}. */
    void writeOutput(Tile tile, int t, Object z, Object p) {
        tile.write(mixed, t - first, d, z, 0);
        for (int u = 0; u <= t; u++) {
            tile.write(pattern, pair(t, u), heads, p, u);
        }
    }

    /** Backward: K, V, and per query position t the gradient g, Q (not at position a) and the pattern. */
    void readBackwardInputs(Tile tile, Object k, Object v, Object g, Object q, Object p) {
        readKeysValues(tile, k, v);
        for (int t = first; t < T; t++) {
            tile.read(mixed, t - first, d, g, t);
            if (t > 0) {
                tile.read(queries, t - first, d, q, t);
            }
            for (int u = 0; u <= t; u++) {
                tile.read(pattern, pair(t, u), heads, p, pair(t, u));
            }
        }
    }

    /** Backward: the query gradient of position t from slot 0. */
    void writeQueryGradient(Tile tile, int t, Object dq) {
        tile.write(dQueries, t - first, d, dq, 0);
    }

    /** Backward: the key and value gradients of all three positions from slots 0..2. */
    void writeKeyValueGradients(Tile tile, Object dk, Object dv) {
        for (int u = 0; u < T; u++) {
            tile.write(dKeys, u, d, dk, u);
            tile.write(dValues, u, d, dv, u);
        }
    }

    /** Makes what was written visible to ND4J. */
    void flush() {
        if (dQueries == null) {
            mixed.flush();
            pattern.flush();
        } else {
            dQueries.flush();
            dKeys.flush();
            dValues.flush();
        }
    }
}
