package dev.twophase.training;

import dev.twophase.training.DirectParameters.Block;
import dev.twophase.training.TrainingSetup.ModelSetup;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static dev.twophase.training.DirectParameters.view;

/**
 * The forward and hand-derived backward pass of {@link TransformerGraph}'s model as ND4J operations
 * on preallocated buffers ({@link Buffers}): every matrix product is one BLAS gemm, nothing is
 * allocated per step, nothing is interpreted.
 *
 * <p>Rows are position-major: row {@code t·n + i} is position {@code t} of sample {@code i}, so each
 * position of a batch is a contiguous {@code [n, dModel]} block. Two consequences:
 * <ul>
 *   <li>Attention over three tokens needs no batched micro-matmuls: the score of query position t
 *   and key position u is {@code (Q_t ∘ K_u) · E} with {@code E [dModel, heads]} the head indicator,
 *   and the mixing is {@code Σ_u (P_tu · Eᵀ) ∘ V_u}: a few [n, dModel] element-wise operations.</li>
 *   <li>The loss reads the last position only, and nothing flows from the last block's queries at
 *   positions a and b to it: in training (and in evaluation) the last block computes its query, MLP
 *   and output at position "=" only ({@code Buffers.lastQueries = 1}), a third of its work.</li>
 * </ul>
 * GeLU is {@code x·σ(1.702x)} as in the graph; its derivative {@code σ + 1.702·(h − h·σ)} reuses
 * {@code h = x·σ} and σ from the forward pass.
 */
final class DirectTransformer {

    static final int T = TransformerGraph.POSITIONS;
    private static final double GELU_SLOPE = 1.702;
    /** Samples per host tile of {@link #attention}: Q, K, V of a tile stay in the L2 cache. */
    private static final int TILE = 64;

    final int layers;
    final int d;
    final int heads;
    final int dMlp;
    final int vocabulary;
    final int classes;
    final DataType dtype;
    private final double scale;
    /** Head indicator {@code [dModel, heads]} and its transpose. */
    private final INDArray headSum;
    private final INDArray headExpand;

    DirectTransformer(ModelSetup model, int vocabulary, int classes, DataType dtype) {
        if (model.dModel() % model.heads() != 0) {
            throw new IllegalArgumentException("dModel " + model.dModel() + " is not divisible by heads " + model.heads());
        }
        this.layers = model.layers();
        this.d = model.dModel();
        this.heads = model.heads();
        this.dMlp = model.dMlp();
        this.vocabulary = vocabulary;
        this.classes = classes;
        this.dtype = dtype;
        int dHead = d / heads;
        this.scale = 1.0 / Math.sqrt(dHead);
        double[][] e = new double[d][heads];
        for (int i = 0; i < d; i++) {
            e[i][i / dHead] = 1;
        }
        this.headSum = Nd4j.createFromArray(e).castTo(dtype);
        this.headExpand = headSum.transpose().dup('c');
    }

    /** Index of the score of query position t against key position u <= t in the 6 causal pairs. */
    static int pair(int t, int u) {
        return t * (t + 1) / 2 + u;
    }

    /** Everything one forward/backward pass over n samples reads and writes. */
    final class Buffers implements AutoCloseable {
        final int n;
        /** Query positions the last block computes: 1 (position "=" only) or 3. */
        final int lastQueries;
        final INDArray tokens;      // [3n, vocabulary] one-hot; training buffers only (the embedding gradient)
        final INDArray labels;      // [n, classes] one-hot
        final INDArray ones;        // [1, 3n]
        final INDArray[] input;     // per block: its input [3n, d]; input[layers] = last block output [q·n, d]
        final LayerBuffers[] layer;
        final INDArray logits;      // [n, classes]
        final INDArray dLogits;     // [n, classes]
        // backward scratch, shared by the blocks
        final INDArray dInput;      // [3n, d]
        final INDArray dOutput;     // [3n, d]
        final INDArray dY;          // [3n, d]
        final INDArray dZ;          // [3n, d]
        final INDArray dQ;          // [3n, d]
        final INDArray dK;          // [3n, d]
        final INDArray dV;          // [3n, d]
        final INDArray dHidden;     // [3n, dMlp]
        final INDArray geluSlope;   // [3n, dMlp]
        final INDArray mix;         // [n, d]
        final INDArray mix2;        // [n, d]
        final INDArray dScores;     // [6, n·heads]
        final INDArray reduce;      // [n·heads]
        final INDArray reduce2;     // [n·heads]
        private final List<INDArray> owned = new ArrayList<>();

        Buffers(int n, int lastQueries, boolean training) {
            this.n = n;
            this.lastQueries = lastQueries;
            int rows = T * n;
            tokens = training ? alloc(rows, vocabulary) : null;
            labels = alloc(n, classes);
            ones = alloc(1, rows).assign(1);
            input = new INDArray[layers + 1];
            layer = new LayerBuffers[layers];
            for (int l = 0; l < layers; l++) {
                input[l] = alloc(rows, d);
                layer[l] = new LayerBuffers(queries(l), training);
            }
            input[layers] = alloc((long) queries(layers - 1) * n, d);
            logits = alloc(n, classes);
            mix = alloc(n, d);
            // the gradient scratch exists only where a backward pass will run
            dLogits = training ? alloc(n, classes) : null;
            dInput = training ? alloc(rows, d) : null;
            dOutput = training ? alloc(rows, d) : null;
            dY = training ? alloc(rows, d) : null;
            dZ = training ? alloc(rows, d) : null;
            dQ = training ? alloc(rows, d) : null;
            dK = training ? alloc(rows, d) : null;
            dV = training ? alloc(rows, d) : null;
            dHidden = training ? alloc(rows, dMlp) : null;
            geluSlope = training ? alloc(rows, dMlp) : null;
            mix2 = training ? alloc(n, d) : null;
            dScores = training ? alloc(6, (long) n * heads) : null;
            reduce = training ? alloc((long) n * heads) : null;
            reduce2 = training ? alloc((long) n * heads) : null;
        }

        int queries(int l) {
            return l == layers - 1 ? lastQueries : T;
        }

        /** Rows of position t (0..2) of a [positions·n, width] buffer that starts at position firstPosition. */
        INDArray position(INDArray rowsByPosition, int t, int firstPosition) {
            long width = rowsByPosition.size(1);
            return view(rowsByPosition, (long) (t - firstPosition) * n * width, n, width);
        }

        /** The first {@code rows} rows of a buffer. */
        INDArray top(INDArray buffer, long rows) {
            return view(buffer, 0, rows, buffer.size(1));
        }

        INDArray scores(INDArray sixPairs, int t, int u) {
            return view(sixPairs, (long) pair(t, u) * n * heads, n, heads);
        }

        private INDArray alloc(long... shape) {
            INDArray a = Nd4j.create(dtype, shape);
            owned.add(a);
            return a;
        }

        @Override
        public void close() {
            for (INDArray a : owned) {
                a.close();
            }
            owned.clear();
        }

        /** One block's activations; its query-side tensors hold {@code q·n} rows (positions 3-q..2). */
        final class LayerBuffers {
            final int q;
            final INDArray queries;     // [q·n, d]; rows of position a stay unset (never read)
            final INDArray keys;        // [3n, d]
            final INDArray values;      // [3n, d]
            final INDArray pattern;     // [6, n·heads] attention probabilities of the causal pairs
            final INDArray mixed;       // [q·n, d] attention output before W_O
            final INDArray afterAttention; // [q·n, d]
            final INDArray preActivation;  // [q·n, dMlp]
            final INDArray sigmoid;     // [q·n, dMlp] σ(1.702·pre) for the backward pass; null outside training
            final INDArray hidden;      // [q·n, dMlp]

            LayerBuffers(int q, boolean training) {
                this.q = q;
                int rows = T * n;
                queries = alloc((long) q * n, d);
                keys = alloc(rows, d);
                values = alloc(rows, d);
                pattern = alloc(6, (long) n * heads);
                mixed = alloc((long) q * n, d);
                afterAttention = alloc((long) q * n, d);
                preActivation = alloc((long) q * n, dMlp);
                sigmoid = training ? alloc((long) q * n, dMlp) : null;
                hidden = alloc((long) q * n, dMlp);
            }
        }
    }

    Buffers buffers(int n, int lastQueries, boolean training) {
        return new Buffers(n, lastQueries, training);
    }

    /** Writes the one-hot tokens (a, b, = per sample) of {@code pairs}; rows beyond pairs.length stay as before. */
    void loadTokens(Buffers b, TaskDataset data, int[] pairs) {
        float[] values = new float[T * b.n * vocabulary];
        for (int i = 0; i < b.n; i++) {
            int pair = pairs[Math.min(i, pairs.length - 1)]; // padding repeats the last pair
            values[i * vocabulary + data.a(pair)] = 1f;
            values[(b.n + i) * vocabulary + data.b(pair)] = 1f;
            values[(2 * b.n + i) * vocabulary + data.equalsToken()] = 1f;
        }
        b.tokens.assign(Nd4j.create(values, new long[]{(long) T * b.n, vocabulary}, DataType.FLOAT));
    }

    void loadLabels(Buffers b, int[] labels) {
        float[] values = new float[b.n * classes];
        for (int i = 0; i < labels.length; i++) {
            values[i * classes + labels[i]] = 1f;
        }
        b.labels.assign(Nd4j.create(values, new long[]{b.n, classes}, DataType.FLOAT));
    }

    /**
     * Block 1's input for {@code pairs} without the one-hot product: row {@code t·n + i} is
     * {@code W_E[token_t(i)] + W_pos[t]}, gathered on the host and written in one pass per tile (rows
     * beyond pairs.length repeat the last pair, as {@link #loadTokens} pads). For forward-only buffers.
     */
    void embedPairs(Buffers b, TaskDataset data, int[] pairs, DirectParameters p) {
        double[] table = new double[vocabulary * d];
        double[] position = new double[T * d];
        HostArray.of(p.tokenEmbedding).read(0, table, 0, table.length);
        HostArray.of(p.positionEmbedding).read(0, position, 0, position.length);
        HostArray input = HostArray.of(b.input[0]);
        double[] rows = new double[TILE * d];
        for (int t = 0; t < T; t++) {
            for (int i0 = 0; i0 < b.n; i0 += TILE) {
                int s = Math.min(TILE, b.n - i0);
                for (int i = 0; i < s; i++) {
                    int pair = pairs[Math.min(i0 + i, pairs.length - 1)];
                    int token = t == 0 ? data.a(pair) : t == 1 ? data.b(pair) : data.equalsToken();
                    for (int j = 0; j < d; j++) {
                        rows[i * d + j] = table[token * d + j] + position[t * d + j];
                    }
                }
                input.write((t * b.n + i0) * d, rows, 0, s * d);
            }
        }
        input.flush();
    }

    /** Block 1's input from the loaded tokens: one-hot · W_E + W_pos. */
    void embed(Buffers b, DirectParameters p) {
        Nd4j.gemm(b.tokens, p.tokenEmbedding, b.input[0], false, false, 1, 0);
        for (int t = 0; t < T; t++) {
            b.position(b.input[0], t, 0).addiRowVector(view(p.positionEmbedding, (long) t * d, 1, d));
        }
    }

    /** Runs every block from {@code b.input[0]}, then the unembedding into {@code b.logits}. */
    void forward(Buffers b, DirectParameters p) {
        forward(b, p, true);
    }

    /** Runs every block from {@code b.input[0]}; the unembedding into {@code b.logits} only if {@code logits}. */
    void forward(Buffers b, DirectParameters p, boolean logits) {
        for (int l = 0; l < layers; l++) {
            block(b, l, p.blocks[l]);
        }
        if (!logits) {
            return;
        }
        INDArray out = b.input[layers];
        Nd4j.gemm(b.position(out, T - 1, T - b.queries(layers - 1)), p.unembedding, b.logits, false, false, 1, 0);
    }

    private void block(Buffers b, int l, Block w) {
        Buffers.LayerBuffers a = b.layer[l];
        INDArray x = b.input[l];
        int first = T - a.q;
        INDArray xq = view(x, (long) first * b.n * d, (long) a.q * b.n, d);
        // position a attends to itself only (pattern 1): its query is never needed
        int firstQuery = Math.max(first, 1);
        Nd4j.gemm(view(x, (long) firstQuery * b.n * d, (long) (T - firstQuery) * b.n, d), w.wq(),
                view(a.queries, (long) (firstQuery - first) * b.n * d, (long) (T - firstQuery) * b.n, d), false, false, 1, 0);
        Nd4j.gemm(x, w.wk(), a.keys, false, false, 1, 0);
        Nd4j.gemm(x, w.wv(), a.values, false, false, 1, 0);
        attention(b, a);
        a.afterAttention.assign(xq);
        Nd4j.gemm(a.mixed, w.wo(), a.afterAttention, false, false, 1, 1);

        Nd4j.gemm(a.afterAttention, w.wIn(), a.preActivation, false, false, 1, 0);
        a.preActivation.addiRowVector(w.bIn());
        if (a.sigmoid == null) {
            Nd4j.exec(new GELU(a.preActivation, a.hidden)); // the same x·σ(1.702x), one pass
        } else {
            a.preActivation.mul(GELU_SLOPE, a.sigmoid);
            Nd4j.exec(new Sigmoid(a.sigmoid, a.sigmoid));
            a.preActivation.mul(a.sigmoid, a.hidden);
        }

        INDArray out = b.input[l + 1];
        out.assign(a.afterAttention);
        Nd4j.gemm(a.hidden, w.wOut(), out, false, false, 1, 1);
        out.addiRowVector(w.bOut());
    }

    /**
     * Causal attention of one block on the host: per sample, head and query position t, the scores
     * {@code scale·q_t·k_u} for u <= t, their softmax into {@code a.pattern} and {@code Σ_u p_u·v_u}
     * into {@code a.mixed}. Three tokens make this 6 dot products of dHead per sample and head: as
     * ND4J operations it was ~40 element-wise ops and thin gemms over [n, dModel] per block (most of
     * a forward pass's time); here it is one read of Q, K, V and one write of the results, in tiles of
     * {@link #TILE} samples, accumulated in double.
     */
    private void attention(Buffers b, Buffers.LayerBuffers a) {
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
                    java.util.Arrays.fill(p, 0, s * heads, 1.0);
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

    /**
     * Gradient of the mean softmax cross-entropy over the n samples (logits against the loaded
     * one-hot labels), back through the model into {@code g}: every tensor of g is overwritten.
     * Needs {@code b.lastQueries == 1} and a preceding {@link #forward}.
     */
    void backward(Buffers b, DirectParameters p, DirectParameters g) {
        if (b.lastQueries != 1 || b.dInput == null) {
            throw new IllegalStateException("backward needs training buffers computing the last position only");
        }
        Nd4j.exec(new SoftMax(b.logits, b.dLogits, 1));
        b.dLogits.subi(b.labels).muli(1.0 / b.n);
        INDArray last = b.input[layers];
        Nd4j.gemm(last, b.dLogits, g.unembedding, true, false, 1, 0);
        INDArray dOut = b.top(b.dOutput, b.n);
        Nd4j.gemm(b.dLogits, p.unembedding, dOut, false, true, 1, 0);
        INDArray dIn = b.dInput;
        for (int l = layers - 1; l >= 0; l--) {
            blockBackward(b, l, p.blocks[l], g.blocks[l], dOut, dIn);
            dOut = dIn;
            dIn = dIn == b.dInput ? b.dOutput : b.dInput;
        }
        INDArray dEmbedded = dOut;
        Nd4j.gemm(b.tokens, dEmbedded, g.tokenEmbedding, true, false, 1, 0);
        INDArray onesN = view(b.ones, 0, 1, b.n);
        for (int t = 0; t < T; t++) {
            Nd4j.gemm(onesN, b.position(dEmbedded, t, 0), view(g.positionEmbedding, (long) t * d, 1, d), false, false, 1, 0);
        }
    }

    /** From {@code dOut} (gradient of the block's q·n output rows) to {@code dIn} (all 3n input rows). */
    private void blockBackward(Buffers b, int l, Block w, Block g, INDArray dOut, INDArray dIn) {
        Buffers.LayerBuffers a = b.layer[l];
        int first = T - a.q;
        long qRows = (long) a.q * b.n;
        INDArray ones = view(b.ones, 0, 1, qRows);
        INDArray x = b.input[l];
        INDArray xq = view(x, (long) first * b.n * d, qRows, d);

        // MLP: out = y + gelu(y·W_in + b_in)·W_out + b_out
        INDArray dHidden = b.top(b.dHidden, qRows);
        INDArray slope = b.top(b.geluSlope, qRows);
        Nd4j.gemm(dOut, w.wOut(), dHidden, false, true, 1, 0);
        Nd4j.gemm(a.hidden, dOut, g.wOut(), true, false, 1, 0);
        Nd4j.gemm(ones, dOut, g.bOut(), false, false, 1, 0);
        a.hidden.mul(a.sigmoid, slope);
        a.hidden.sub(slope, slope);
        slope.muli(GELU_SLOPE).addi(a.sigmoid);
        dHidden.muli(slope);
        Nd4j.gemm(a.afterAttention, dHidden, g.wIn(), true, false, 1, 0);
        Nd4j.gemm(ones, dHidden, g.bIn(), false, false, 1, 0);
        INDArray dY = b.top(b.dY, qRows);
        dY.assign(dOut);
        Nd4j.gemm(dHidden, w.wIn(), dY, false, true, 1, 1);

        // attention: y = x_q + mixed·W_O
        INDArray dZ = b.top(b.dZ, qRows);
        Nd4j.gemm(a.mixed, dY, g.wo(), true, false, 1, 0);
        Nd4j.gemm(dY, w.wo(), dZ, false, true, 1, 0);
        INDArray dQ = b.top(b.dQ, qRows);
        b.dK.assign(0);
        b.dV.assign(0);
        for (int t = first; t < T; t++) {
            INDArray dzt = b.position(dZ, t, first);
            for (int u = 0; u <= t; u++) {
                dzt.mul(b.position(a.values, u, 0), b.mix);
                Nd4j.gemm(b.mix, headSum, b.scores(b.dScores, t, u), false, false, 1, 0);
                Nd4j.gemm(b.scores(a.pattern, t, u), headExpand, b.mix, false, false, 1, 0);
                b.mix.muli(dzt);
                b.position(b.dV, u, 0).addi(b.mix);
            }
            INDArray dqt = b.position(dQ, t, first);
            if (t == 0) {
                dqt.assign(0);
                continue;
            }
            // softmax backward over u: dS_u = P_u·(dP_u − Σ_v P_v·dP_v), times the score scale
            INDArray r = view(b.reduce, 0, b.n, heads);
            for (int u = 0; u <= t; u++) {
                INDArray dp = b.scores(b.dScores, t, u);
                dp.muli(b.scores(a.pattern, t, u));
                if (u == 0) {
                    r.assign(dp);
                } else {
                    r.addi(dp);
                }
            }
            INDArray pr = view(b.reduce2, 0, b.n, heads);
            for (int u = 0; u <= t; u++) {
                INDArray ds = b.scores(b.dScores, t, u);
                b.scores(a.pattern, t, u).mul(r, pr);
                ds.subi(pr).muli(scale);
                Nd4j.gemm(ds, headExpand, b.mix, false, false, 1, 0);
                if (u == 0) {
                    b.mix.mul(b.position(a.keys, u, 0), dqt);
                } else {
                    b.mix.mul(b.position(a.keys, u, 0), b.mix2);
                    dqt.addi(b.mix2);
                }
                b.mix.muli(b.position(a.queries, t, first));
                b.position(b.dK, u, 0).addi(b.mix);
            }
        }
        Nd4j.gemm(xq, dQ, g.wq(), true, false, 1, 0);
        Nd4j.gemm(x, b.dK, g.wk(), true, false, 1, 0);
        Nd4j.gemm(x, b.dV, g.wv(), true, false, 1, 0);
        Nd4j.gemm(b.dK, w.wk(), dIn, false, true, 1, 0);
        Nd4j.gemm(b.dV, w.wv(), dIn, false, true, 1, 1);
        INDArray dxq = view(dIn, (long) first * b.n * d, qRows, d);
        dxq.addi(dY);
        Nd4j.gemm(dQ, w.wq(), dxq, false, true, 1, 1);
    }
}
