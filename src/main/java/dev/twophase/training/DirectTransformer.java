package dev.twophase.training;

import dev.twophase.training.DirectParameters.Block;
import dev.twophase.training.SameDiffTrainingEngine.Scores;
import dev.twophase.training.TrainingSetup.ModelSetup;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static dev.twophase.training.DirectParameters.view;

/**
 * The forward and hand-derived backward pass of {@link TransformerGraph}'s model on preallocated
 * ND4J buffers ({@link Buffers}): every matrix product is one BLAS gemm called directly
 * ({@link NativeGemm}), nothing is interpreted, and the work between the products that would be
 * dozens of small ND4J operations (attention over three tokens and its gradient, the embedding
 * lookup and its gradient, the loss gradient, the GeLU derivative) runs in Java on the host, in
 * tiles that stay in cache. What stays in ND4J between the products: bias and residual additions
 * and the GeLU's sigmoid (vectorised exp; Java's is 4-5x slower per element).
 *
 * <p>Rows are position-major: row {@code t·n + i} is position {@code t} of sample {@code i}, so each
 * position of a batch is a contiguous {@code [n, dModel]} block. Two consequences:
 * <ul>
 *   <li>Attention reads and writes whole positions of a tile of samples at once, with no batched
 *   micro-matmuls: 6 causal (query, key) pairs of dHead-long dot products per sample and head.</li>
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
    /** Samples per host tile of {@link #attentionBackward}: its ten [tile, dModel]-sized arrays stay in L2. */
    private static final int BACKWARD_TILE = 16;

    final int layers;
    final int d;
    final int heads;
    final int dMlp;
    final int vocabulary;
    final int classes;
    final DataType dtype;
    private final double scale;

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
    }

    /** Index of the pattern of query position t against key position u <= t in the 6 causal pairs. */
    static int pair(int t, int u) {
        return t * (t + 1) / 2 + u;
    }

    /** Everything one forward/backward pass over n samples reads and writes. */
    final class Buffers implements AutoCloseable {
        final int n;
        /** Query positions the last block computes: 1 (position "=" only) or 3. */
        final int lastQueries;
        final int[] tokens;         // [3n] token of each row, from loadTokens
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
        final INDArray geluSlope;   // [3n, dMlp]; double engines only (float ones compute it on the host)
        private final List<INDArray> owned = new ArrayList<>();

        Buffers(int n, int lastQueries, boolean training) {
            this.n = n;
            this.lastQueries = lastQueries;
            int rows = T * n;
            tokens = new int[rows];
            ones = alloc(1, rows).assign(1);
            input = new INDArray[layers + 1];
            layer = new LayerBuffers[layers];
            for (int l = 0; l < layers; l++) {
                input[l] = alloc(rows, d);
                layer[l] = new LayerBuffers(queries(l), training);
            }
            input[layers] = alloc((long) queries(layers - 1) * n, d);
            logits = alloc(n, classes);
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
            geluSlope = training && dtype != DataType.FLOAT ? alloc(rows, dMlp) : null;
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

    /** Loads the tokens (a, b, = per sample) of {@code pairs}; rows beyond pairs.length repeat the last pair. */
    void loadTokens(Buffers b, TaskDataset data, int[] pairs) {
        for (int i = 0; i < b.n; i++) {
            int pair = pairs[Math.min(i, pairs.length - 1)];
            b.tokens[i] = data.a(pair);
            b.tokens[b.n + i] = data.b(pair);
            b.tokens[2 * b.n + i] = data.equalsToken();
        }
    }

    /**
     * Block 1's input from the loaded tokens: row {@code t·n + i} is {@code W_E[token] + W_pos[t]},
     * gathered on the host and written in one pass per tile (a one-hot product costs a gemm of
     * [3n, vocabulary] and an upload of the one-hot matrix every step).
     */
    void embed(Buffers b, DirectParameters p) {
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
                    int token = b.tokens[t * b.n + i0 + i];
                    for (int j = 0; j < d; j++) {
                        rows[i * d + j] = table[token * d + j] + position[t * d + j];
                    }
                }
                input.write((t * b.n + i0) * d, rows, 0, s * d);
            }
        }
        input.flush();
    }

    /**
     * Mean cross-entropy and accuracy of the first labels.length rows of the logits, read once on
     * the host; with {@code gradient}, also writes {@code b.dLogits = (softmax − onehot) / n} (the
     * start of {@link #backward}) from the same pass. Accumulated in double.
     */
    Scores crossEntropy(Buffers b, int count, int[] labels, boolean gradient) {
        double[] logits = new double[count * classes];
        HostArray.of(b.logits).read(0, logits, 0, logits.length);
        double lossSum = 0;
        long correct = 0;
        for (int i = 0; i < count; i++) {
            int row = i * classes;
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[row + c] > logits[row + best]) {
                    best = c;
                }
            }
            double max = logits[row + best];
            double sumExp = 0;
            for (int c = 0; c < classes; c++) {
                sumExp += Math.exp(logits[row + c] - max);
            }
            lossSum += max + Math.log(sumExp) - logits[row + labels[i]];
            correct += best == labels[i] ? 1 : 0;
            if (gradient) {
                for (int c = 0; c < classes; c++) {
                    logits[row + c] = (Math.exp(logits[row + c] - max) / sumExp - (c == labels[i] ? 1 : 0)) / b.n;
                }
            }
        }
        if (gradient) {
            HostArray dLogits = HostArray.of(b.dLogits);
            dLogits.write(0, logits, 0, logits.length);
            dLogits.flush();
        }
        return new Scores(lossSum, correct, count);
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
        NativeGemm.gemm(b.position(out, T - 1, T - b.queries(layers - 1)), p.unembedding, b.logits, false, false, 1, 0);
    }

    private void block(Buffers b, int l, Block w) {
        Buffers.LayerBuffers a = b.layer[l];
        INDArray x = b.input[l];
        int first = T - a.q;
        INDArray xq = view(x, (long) first * b.n * d, (long) a.q * b.n, d);
        // position a attends to itself only (pattern 1): its query is never needed
        int firstQuery = Math.max(first, 1);
        NativeGemm.gemm(view(x, (long) firstQuery * b.n * d, (long) (T - firstQuery) * b.n, d), w.wq(),
                view(a.queries, (long) (firstQuery - first) * b.n * d, (long) (T - firstQuery) * b.n, d), false, false, 1, 0);
        NativeGemm.gemm(x, w.wk(), a.keys, false, false, 1, 0);
        NativeGemm.gemm(x, w.wv(), a.values, false, false, 1, 0);
        if (dtype == DataType.FLOAT) {
            attentionFloat(b, a);
        } else {
            attention(b, a);
        }
        a.afterAttention.assign(xq);
        NativeGemm.gemm(a.mixed, w.wo(), a.afterAttention, false, false, 1, 1);

        NativeGemm.gemm(a.afterAttention, w.wIn(), a.preActivation, false, false, 1, 0);
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
        NativeGemm.gemm(a.hidden, w.wOut(), out, false, false, 1, 1);
        out.addiRowVector(w.bOut());
    }

    /** Floats per chunk of the host GeLU derivative pass (three chunks stay in L2). */
    private static final int GELU_CHUNK = 16 * 1024;

    /** {@code dHidden *= σ + 1.702·(h − h·σ)}, the GeLU derivative from the forward pass's h and σ, in one host pass. */
    private void geluBackwardHost(Buffers.LayerBuffers a, INDArray dHidden) {
        int length = (int) dHidden.length();
        HostArray gradient = HostArray.of(dHidden);
        HostArray hidden = HostArray.of(a.hidden);
        HostArray sig = HostArray.of(a.sigmoid);
        float[] g = new float[GELU_CHUNK];
        float[] h = new float[GELU_CHUNK];
        float[] sg = new float[GELU_CHUNK];
        float slope = (float) GELU_SLOPE;
        for (int from = 0; from < length; from += GELU_CHUNK) {
            int count = Math.min(GELU_CHUNK, length - from);
            gradient.read(from, g, 0, count);
            hidden.read(from, h, 0, count);
            sig.read(from, sg, 0, count);
            for (int i = 0; i < count; i++) {
                g[i] *= sg[i] + slope * (h[i] - h[i] * sg[i]);
            }
            gradient.write(from, g, 0, count);
        }
        gradient.flush();
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

    /** {@link #attention} in float arithmetic on float arrays (no widening copies; the mixing loop vectorises). */
    private void attentionFloat(Buffers b, Buffers.LayerBuffers a) {
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
                    java.util.Arrays.fill(p, 0, s * heads, 1f);
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
                        java.util.Arrays.fill(z, at, at + dHead, 0f);
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
     * Gradient of the mean softmax cross-entropy over the n samples, back through the model into
     * {@code g}: every tensor of g is overwritten. Needs {@code b.lastQueries == 1}, a preceding
     * {@link #forward} and {@link #crossEntropy} with the gradient.
     */
    void backward(Buffers b, DirectParameters p, DirectParameters g) {
        if (b.lastQueries != 1 || b.dInput == null) {
            throw new IllegalStateException("backward needs training buffers computing the last position only");
        }
        INDArray last = b.input[layers];
        NativeGemm.gemm(last, b.dLogits, g.unembedding, true, false, 1, 0);
        INDArray dOut = b.top(b.dOutput, b.n);
        NativeGemm.gemm(b.dLogits, p.unembedding, dOut, false, true, 1, 0);
        INDArray dIn = b.dInput;
        for (int l = layers - 1; l >= 0; l--) {
            blockBackward(b, l, p.blocks[l], g.blocks[l], dOut, dIn);
            dOut = dIn;
            dIn = dIn == b.dInput ? b.dOutput : b.dInput;
        }
        embeddingBackward(b, dOut, g);
    }

    /**
     * Gradients of W_E and W_pos from the gradient of block 1's input, on the host: each row adds
     * to its token's row of W_E and its position's row of W_pos (a scatter; as a product it was
     * a gemm with the [3n, vocabulary] one-hot matrix). Both tensors are overwritten.
     */
    private void embeddingBackward(Buffers b, INDArray dEmbedded, DirectParameters g) {
        double[] dTable = new double[vocabulary * d];
        double[] dPosition = new double[T * d];
        HostArray source = HostArray.of(dEmbedded);
        double[] rows = new double[TILE * d];
        for (int t = 0; t < T; t++) {
            for (int i0 = 0; i0 < b.n; i0 += TILE) {
                int s = Math.min(TILE, b.n - i0);
                source.read((t * b.n + i0) * d, rows, 0, s * d);
                for (int i = 0; i < s; i++) {
                    int token = b.tokens[t * b.n + i0 + i];
                    for (int j = 0; j < d; j++) {
                        dTable[token * d + j] += rows[i * d + j];
                        dPosition[t * d + j] += rows[i * d + j];
                    }
                }
            }
        }
        HostArray table = HostArray.of(g.tokenEmbedding);
        table.write(0, dTable, 0, dTable.length);
        table.flush();
        HostArray position = HostArray.of(g.positionEmbedding);
        position.write(0, dPosition, 0, dPosition.length);
        position.flush();
    }

    /**
     * The backward pass of {@link #attention} on the host, tile by tile: from {@code dZ} (gradient of
     * {@code a.mixed}) to the gradients of the queries ({@code dQ}, q·n rows; zero at position a, whose
     * query is never used), keys and values ({@code b.dK}, {@code b.dV}, all 3n rows), every one
     * overwritten. Per sample, head and query position t, with p_u the pattern and g = dz_t:
     * {@code dv_u += p_u·g}, {@code dp_u = g·v_u}, {@code ds_u = scale·p_u·(dp_u − Σ_w p_w·dp_w)},
     * {@code dq_t = Σ_u ds_u·k_u}, {@code dk_u += ds_u·q_t}. As ND4J operations this was ~60
     * element-wise operations and thin gemms over [n, dModel] per block, the largest share of a
     * training step after the matrix products.
     */
    private void attentionBackward(Buffers b, Buffers.LayerBuffers a, INDArray dZ, INDArray dQ) {
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
            java.util.Arrays.fill(dk, 0.0);
            java.util.Arrays.fill(dv, 0.0);
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
                        java.util.Arrays.fill(dq, at, at + dHead, 0.0);
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
                    java.util.Arrays.fill(dq, 0, s * d, 0.0);
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

    /** {@link #attentionBackward} in float arithmetic on float arrays (no widening copies; the axpy loops vectorise). */
    private void attentionBackwardFloat(Buffers b, Buffers.LayerBuffers a, INDArray dZ, INDArray dQ) {
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
            java.util.Arrays.fill(dk, 0f);
            java.util.Arrays.fill(dv, 0f);
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
                        java.util.Arrays.fill(dq, at, at + dHead, 0f);
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
                    java.util.Arrays.fill(dq, 0, s * d, 0f);
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
        NativeGemm.gemm(dOut, w.wOut(), dHidden, false, true, 1, 0);
        NativeGemm.gemm(a.hidden, dOut, g.wOut(), true, false, 1, 0);
        NativeGemm.gemm(ones, dOut, g.bOut(), false, false, 1, 0);
        if (dtype == DataType.FLOAT) { // one vectorised host pass instead of five ND4J ones
            geluBackwardHost(a, dHidden);
        } else {
            INDArray slope = b.top(b.geluSlope, qRows);
            a.hidden.mul(a.sigmoid, slope);
            a.hidden.sub(slope, slope);
            slope.muli(GELU_SLOPE).addi(a.sigmoid);
            dHidden.muli(slope);
        }
        NativeGemm.gemm(a.afterAttention, dHidden, g.wIn(), true, false, 1, 0);
        NativeGemm.gemm(ones, dHidden, g.bIn(), false, false, 1, 0);
        INDArray dY = b.top(b.dY, qRows);
        dY.assign(dOut);
        NativeGemm.gemm(dHidden, w.wIn(), dY, false, true, 1, 1);

        // attention: y = x_q + mixed·W_O
        INDArray dZ = b.top(b.dZ, qRows);
        NativeGemm.gemm(a.mixed, dY, g.wo(), true, false, 1, 0);
        NativeGemm.gemm(dY, w.wo(), dZ, false, true, 1, 0);
        INDArray dQ = b.top(b.dQ, qRows);
        if (dtype == DataType.FLOAT) {
            attentionBackwardFloat(b, a, dZ, dQ);
        } else {
            attentionBackward(b, a, dZ, dQ);
        }
        NativeGemm.gemm(xq, dQ, g.wq(), true, false, 1, 0);
        NativeGemm.gemm(x, b.dK, g.wk(), true, false, 1, 0);
        NativeGemm.gemm(x, b.dV, g.wv(), true, false, 1, 0);
        NativeGemm.gemm(b.dK, w.wk(), dIn, false, true, 1, 0);
        NativeGemm.gemm(b.dV, w.wv(), dIn, false, true, 1, 1);
        INDArray dxq = view(dIn, (long) first * b.n * d, qRows, d);
        dxq.addi(dY);
        NativeGemm.gemm(dQ, w.wq(), dxq, false, true, 1, 1);
    }
}
