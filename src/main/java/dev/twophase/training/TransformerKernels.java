package dev.twophase.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The host kernels of {@link DirectTransformer}: the work between its matrix products that as ND4J
 * operations was dozens of small ones (attention over three tokens and its gradient, the embedding
 * lookup and its gradient, the GeLU derivative). Each reads its position-major buffers (row
 * {@code t·n + i} is position t of sample i) in tiles of samples that stay in cache ({@link Tile}).
 *
 * <p>Attention and its gradient exist in float ({@link FloatAttention}) and in double arithmetic
 * ({@link DoubleAttention}), on purpose: the float engine works on float arrays so that the JIT
 * vectorises the loops; the double engine serves the finite-difference gradient check.
 */
final class TransformerKernels {

    static final int T = TransformerGraph.POSITIONS;
    /** GeLU is {@code x·σ(GELU_SLOPE·x)}, as in the graph. */
    static final double GELU_SLOPE = 1.702;
    /** Samples per tile of {@link #attention} and the embedding: Q, K, V of a tile stay in the L2 cache. */
    static final int TILE = 64;
    /** Samples per tile of {@link #attentionBackward}: its ten [tile, dModel]-sized arrays stay in L2. */
    static final int BACKWARD_TILE = 16;
    /** Floats per chunk of {@link #geluBackward} (three chunks stay in L2). */
    private static final int GELU_CHUNK = 16 * 1024;

    private final int d;
    private final int heads;
    private final int vocabulary;
    private final FloatAttention floatAttention;
    private final DoubleAttention doubleAttention;

    TransformerKernels(int d, int heads, int vocabulary) {
        this.d = d;
        this.heads = heads;
        this.vocabulary = vocabulary;
        double scale = 1.0 / Math.sqrt(d / heads);
        this.floatAttention = new FloatAttention(d, heads, scale);
        this.doubleAttention = new DoubleAttention(d, heads, scale);
    }

    /** Index of the pattern of query position t against key position u <= t in the 6 causal pairs. */
    static int pair(int t, int u) {
        return t * (t + 1) / 2 + u;
    }

    /**
     * Samples {@code i0..i0+size-1} of a pass over n: where they sit in a position-major buffer (row
     * {@code block·n + i}) and in a tile's host array (row {@code slot·capacity + i}, so each position of
     * the tile is one contiguous block). Widths are in elements; a tile array is a float[] or a double[],
     * whichever precision the kernel computes in.
     */
    record Tile(int n, int capacity, int i0, int size) {

        static Tile at(int n, int capacity, int i0) {
            return new Tile(n, capacity, i0, Math.min(capacity, n - i0));
        }

        /** Offset of sample i0 of row block {@code block} in a buffer of {@code width} columns. */
        int inBuffer(int block, int width) {
            return (block * n + i0) * width;
        }

        /** Offset of slot {@code slot} in a tile array of {@code width} columns. */
        int inTile(int slot, int width) {
            return slot * capacity * width;
        }

        /** Row block {@code block} of the buffer into slot {@code slot} of the tile array. */
        void read(HostArray buffer, int block, int width, Object tile, int slot) {
            if (tile instanceof float[] floats) {
                buffer.read(inBuffer(block, width), floats, inTile(slot, width), size * width);
            } else {
                buffer.read(inBuffer(block, width), (double[]) tile, inTile(slot, width), size * width);
            }
        }

        /** Slot {@code slot} of the tile array into row block {@code block} of the buffer. */
        void write(HostArray buffer, int block, int width, Object tile, int slot) {
            if (tile instanceof float[] floats) {
                buffer.write(inBuffer(block, width), floats, inTile(slot, width), size * width);
            } else {
                buffer.write(inBuffer(block, width), (double[]) tile, inTile(slot, width), size * width);
            }
        }
    }

    /**
     * One block's attention tensors over n samples. The query side ({@code queries}, {@code mixed})
     * holds positions {@code first..2}; keys and values all three; {@code pattern} is {@code [6, n·heads]},
     * the probabilities of the causal pairs ({@link #pair}).
     */
    record Attention(int n, int first, INDArray queries, INDArray keys, INDArray values, INDArray pattern,
                     INDArray mixed) {
    }

    /**
     * Block 1's input: row {@code t·n + i} of {@code x} is {@code W_E[token] + W_pos[t]}, gathered on the
     * host and written in one pass per tile (a one-hot product costs a gemm of [3n, vocabulary] and an
     * upload of the one-hot matrix every step).
     */
    void embed(int[] tokens, int n, INDArray W_E, INDArray W_pos, INDArray x) {
        double[] table = new double[vocabulary * d];
        double[] position = new double[T * d];
        HostArray.of(W_E).read(0, table, 0, table.length);
        HostArray.of(W_pos).read(0, position, 0, position.length);
        HostArray input = HostArray.of(x);
        double[] rows = new double[TILE * d];
        for (int t = 0; t < T; t++) {
            for (int i0 = 0; i0 < n; i0 += TILE) {
                Tile tile = Tile.at(n, TILE, i0);
                for (int i = 0; i < tile.size(); i++) {
                    int token = tokens[t * n + i0 + i];
                    for (int j = 0; j < d; j++) {
                        rows[i * d + j] = table[token * d + j] + position[t * d + j];
                    }
                }
                tile.write(input, t, d, rows, 0);
            }
        }
        input.flush();
    }

    /**
     * Gradients of W_E and W_pos from the gradient of block 1's input: each row adds to its token's row
     * of W_E and its position's row of W_pos (a scatter; as a product it was a gemm with the
     * [3n, vocabulary] one-hot matrix). Both are overwritten.
     */
    void embeddingBackward(int[] tokens, int n, INDArray dX, INDArray dW_E, INDArray dW_pos) {
        double[] dTable = new double[vocabulary * d];
        double[] dPosition = new double[T * d];
        HostArray source = HostArray.of(dX);
        double[] rows = new double[TILE * d];
        for (int t = 0; t < T; t++) {
            for (int i0 = 0; i0 < n; i0 += TILE) {
                Tile tile = Tile.at(n, TILE, i0);
                tile.read(source, t, d, rows, 0);
                for (int i = 0; i < tile.size(); i++) {
                    int token = tokens[t * n + i0 + i];
                    for (int j = 0; j < d; j++) {
                        dTable[token * d + j] += rows[i * d + j];
                        dPosition[t * d + j] += rows[i * d + j];
                    }
                }
            }
        }
        HostArray table = HostArray.of(dW_E);
        table.write(0, dTable, 0, dTable.length);
        table.flush();
        HostArray position = HostArray.of(dW_pos);
        position.write(0, dPosition, 0, dPosition.length);
        position.flush();
    }

    /** {@code dHidden *= σ + 1.702·(h − h·σ)}, the GeLU derivative from the forward pass's h and σ, in one float pass. */
    static void geluBackward(INDArray dHidden, INDArray hidden, INDArray sigmoid) {
        int length = (int) dHidden.length();
        HostArray gradient = HostArray.of(dHidden);
        HostArray hiddenHost = HostArray.of(hidden);
        HostArray sigmoidHost = HostArray.of(sigmoid);
        float[] g = new float[GELU_CHUNK];
        float[] h = new float[GELU_CHUNK];
        float[] sg = new float[GELU_CHUNK];
        float slope = (float) GELU_SLOPE;
        for (int from = 0; from < length; from += GELU_CHUNK) {
            int count = Math.min(GELU_CHUNK, length - from);
            gradient.read(from, g, 0, count);
            hiddenHost.read(from, h, 0, count);
            sigmoidHost.read(from, sg, 0, count);
            for (int i = 0; i < count; i++) {
                g[i] *= sg[i] + slope * (h[i] - h[i] * sg[i]);
            }
            gradient.write(from, g, 0, count);
        }
        gradient.flush();
    }

    /**
     * Causal attention of one block: per sample, head and query position t, the scores
     * {@code scale·q_t·k_u} for u <= t, their softmax into {@code pattern} and {@code Σ_u p_u·v_u} into
     * {@code mixed}. Three tokens make this 6 dot products of dHead per sample and head: as ND4J
     * operations it was ~40 element-wise ops and thin gemms over [n, dModel] per block; here it is one
     * read of Q, K, V and one write of the results per tile of {@link #TILE} samples.
     */
    void attention(Attention x) {
        AttentionHost host = AttentionHost.forward(x, d, heads);
        if (x.queries().dataType() == DataType.FLOAT) {
            floatAttention.forward(x, host);
        } else {
            doubleAttention.forward(x, host);
        }
        host.flush();
    }

    /** Softmax of {@code score[0..count-1]} in place, the maximum subtracted first. */
    static void softmax(double[] score, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int u = 0; u < count; u++) {
            max = Math.max(max, score[u]);
        }
        double sum = 0;
        for (int u = 0; u < count; u++) {
            score[u] = Math.exp(score[u] - max);
            sum += score[u];
        }
        for (int u = 0; u < count; u++) {
            score[u] /= sum;
        }
    }

    /**
     * The backward pass of {@link #attention}, tile by tile: from {@code dMixed} (gradient of
     * {@code mixed}) to the gradients of the queries ({@code dQ}, rows as {@code queries}; zero at
     * position a, whose query is never used), keys and values ({@code dK}, {@code dV}, all 3n rows),
     * every one overwritten. Per sample, head and query position t, with p_u the pattern and g = dz_t:
     * {@code dv_u += p_u·g}, {@code dp_u = g·v_u}, {@code ds_u = scale·p_u·(dp_u − Σ_w p_w·dp_w)},
     * {@code dq_t = Σ_u ds_u·k_u}, {@code dk_u += ds_u·q_t}. As ND4J operations this was ~60
     * element-wise operations and thin gemms over [n, dModel] per block.
     */
    void attentionBackward(Attention x, INDArray dMixed, INDArray dQ, INDArray dK, INDArray dV) {
        AttentionHost host = AttentionHost.backward(x, d, heads, dMixed, dQ, dK, dV);
        if (x.queries().dataType() == DataType.FLOAT) {
            floatAttention.backward(x, host);
        } else {
            doubleAttention.backward(x, host);
        }
        host.flush();
    }

    /**
     * The pattern of query "=" (position 2) against positions 0..2 of the first {@code count} samples
     * into {@code out[from + i]} as {@code [head·3 + u]}; {@code pattern} holds {@code [pair][sample][head]}.
     */
    void copyLastQueryPattern(INDArray pattern, int n, int count, float[][] out, int from) {
        HostArray host = HostArray.of(pattern);
        float[] probabilities = new float[count * heads];
        for (int i = 0; i < count; i++) {
            out[from + i] = new float[3 * heads];
        }
        for (int u = 0; u < 3; u++) {
            host.read(pair(2, u) * n * heads, probabilities, 0, count * heads);
            for (int i = 0; i < count; i++) {
                for (int h = 0; h < heads; h++) {
                    out[from + i][h * 3 + u] = probabilities[i * heads + h];
                }
            }
        }
    }
}
