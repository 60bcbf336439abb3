package dev.twophase.training;

import static dev.twophase.training.DirectParameters.view;
import static dev.twophase.training.TransformerKernels.GELU_SLOPE;

import dev.twophase.training.DirectParameters.Block;
import dev.twophase.training.TrainingSetup.ModelSetup;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward and hand-derived backward pass of {@link TransformerGraph}'s model on preallocated
 * ND4J buffers ({@link Buffers}): every matrix product is one BLAS gemm called directly
 * ({@link NativeGemm}), nothing is interpreted, and the work between the products that would be
 * dozens of small ND4J operations runs in Java on the host ({@link TransformerKernels}; the loss
 * gradient: {@link Scores}). What stays in ND4J between the products: bias and residual additions
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

    final int layers;
    final int d;
    final int heads;
    final int dMlp;
    final int vocabulary;
    final int classes;
    final DataType dtype;
    private final TransformerKernels kernels;

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
        this.kernels = new TransformerKernels(d, heads, vocabulary);
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
            return positions(rowsByPosition, t, firstPosition, 1);
        }

        /** Rows of positions {@code t..t+count-1} of a [positions·n, width] buffer that starts at position firstPosition. */
        INDArray positions(INDArray rowsByPosition, int t, int firstPosition, int count) {
            long width = rowsByPosition.size(1);
            return view(rowsByPosition, (long) (t - firstPosition) * n * width, (long) count * n, width);
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
            final TransformerKernels.Attention attention;

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
                attention = new TransformerKernels.Attention(n, T - q, queries, keys, values, pattern, mixed);
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

    /** Block 1's input from the loaded tokens ({@link TransformerKernels#embed}). */
    void embed(Buffers b, DirectParameters p) {
        kernels.embed(b.tokens, b.n, p.W_E, p.W_pos, b.input[0]);
    }

    /**
     * Mean cross-entropy and accuracy of the first {@code count} rows of the logits, read once on the
     * host ({@link Scores#crossEntropy}); with {@code gradient}, also writes {@code b.dLogits =
     * (softmax − onehot) / n} (the start of {@link #backward}) from the same pass.
     */
    Scores crossEntropy(Buffers b, int count, int[] labels, boolean gradient) {
        double[] logits = new double[count * classes];
        HostArray.of(b.logits).read(0, logits, 0, logits.length);
        Scores scores = Scores.crossEntropy(logits, classes, count, labels, gradient ? b.n : 0);
        if (gradient) {
            HostArray dLogits = HostArray.of(b.dLogits);
            dLogits.write(0, logits, 0, logits.length);
            dLogits.flush();
        }
        return scores;
    }

    /** Block l's attention pattern of query "=" for the first {@code count} samples ({@link TransformerKernels#copyLastQueryPattern}). */
    void copyLastQueryPattern(Buffers b, int l, int count, float[][] out, int from) {
        kernels.copyLastQueryPattern(b.layer[l].pattern, b.n, count, out, from);
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
        NativeGemm.gemm(b.position(out, T - 1, T - b.queries(layers - 1)), p.W_U, b.logits, false, false, 1, 0);
    }

    private void block(Buffers b, int l, Block w) {
        Buffers.LayerBuffers a = b.layer[l];
        INDArray x = b.input[l];
        int first = T - a.q;
        INDArray xq = b.positions(x, first, 0, a.q);
        // position a attends to itself only (pattern 1): its query is never needed
        int firstQuery = Math.max(first, 1);
        NativeGemm.gemm(b.positions(x, firstQuery, 0, T - firstQuery), w.W_Q(),
                b.positions(a.queries, firstQuery, first, T - firstQuery), false, false, 1, 0);
        NativeGemm.gemm(x, w.W_K(), a.keys, false, false, 1, 0);
        NativeGemm.gemm(x, w.W_V(), a.values, false, false, 1, 0);
        kernels.attention(a.attention);
        a.afterAttention.assign(xq);
        NativeGemm.gemm(a.mixed, w.W_O(), a.afterAttention, false, false, 1, 1);

        NativeGemm.gemm(a.afterAttention, w.W_in(), a.preActivation, false, false, 1, 0);
        a.preActivation.addiRowVector(w.b_in());
        if (a.sigmoid == null) {
            Nd4j.exec(new GELU(a.preActivation, a.hidden)); // the same x·σ(1.702x), one pass
        } else {
            a.preActivation.mul(GELU_SLOPE, a.sigmoid);
            Nd4j.exec(new Sigmoid(a.sigmoid, a.sigmoid));
            a.preActivation.mul(a.sigmoid, a.hidden);
        }

        INDArray out = b.input[l + 1];
        out.assign(a.afterAttention);
        NativeGemm.gemm(a.hidden, w.W_out(), out, false, false, 1, 1);
        out.addiRowVector(w.b_out());
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
        NativeGemm.gemm(last, b.dLogits, g.W_U, true, false, 1, 0);
        INDArray dOut = b.top(b.dOutput, b.n);
        NativeGemm.gemm(b.dLogits, p.W_U, dOut, false, true, 1, 0);
        INDArray dIn = b.dInput;
        for (int l = layers - 1; l >= 0; l--) {
            blockBackward(b, l, p.blocks[l], g.blocks[l], dOut, dIn);
            dOut = dIn;
            dIn = dIn == b.dInput ? b.dOutput : b.dInput;
        }
        kernels.embeddingBackward(b.tokens, b.n, dOut, g.W_E, g.W_pos);
    }

    /** From {@code dOut} (gradient of the block's q·n output rows) to {@code dIn} (all 3n input rows). */
    private void blockBackward(Buffers b, int l, Block w, Block g, INDArray dOut, INDArray dIn) {
        Buffers.LayerBuffers a = b.layer[l];
        int first = T - a.q;
        long qRows = (long) a.q * b.n;
        INDArray ones = view(b.ones, 0, 1, qRows);
        INDArray x = b.input[l];
        INDArray xq = b.positions(x, first, 0, a.q);

        // MLP: out = y + gelu(y·W_in + b_in)·W_out + b_out
        INDArray dHidden = b.top(b.dHidden, qRows);
        NativeGemm.gemm(dOut, w.W_out(), dHidden, false, true, 1, 0);
        NativeGemm.gemm(a.hidden, dOut, g.W_out(), true, false, 1, 0);
        NativeGemm.gemm(ones, dOut, g.b_out(), false, false, 1, 0);
        if (dtype == DataType.FLOAT) { // one vectorised host pass instead of five ND4J ones
            TransformerKernels.geluBackward(dHidden, a.hidden, a.sigmoid);
        } else {
            INDArray slope = b.top(b.geluSlope, qRows);
            a.hidden.mul(a.sigmoid, slope);
            a.hidden.sub(slope, slope);
            slope.muli(GELU_SLOPE).addi(a.sigmoid);
            dHidden.muli(slope);
        }
        NativeGemm.gemm(a.afterAttention, dHidden, g.W_in(), true, false, 1, 0);
        NativeGemm.gemm(ones, dHidden, g.b_in(), false, false, 1, 0);
        INDArray dY = b.top(b.dY, qRows);
        dY.assign(dOut);
        NativeGemm.gemm(dHidden, w.W_in(), dY, false, true, 1, 1);

        // attention: y = x_q + mixed·W_O
        INDArray dZ = b.top(b.dZ, qRows);
        NativeGemm.gemm(a.mixed, dY, g.W_O(), true, false, 1, 0);
        NativeGemm.gemm(dY, w.W_O(), dZ, false, true, 1, 0);
        INDArray dQ = b.top(b.dQ, qRows);
        kernels.attentionBackward(a.attention, dZ, dQ, b.dK, b.dV);
        NativeGemm.gemm(xq, dQ, g.W_Q(), true, false, 1, 0);
        NativeGemm.gemm(x, b.dK, g.W_K(), true, false, 1, 0);
        NativeGemm.gemm(x, b.dV, g.W_V(), true, false, 1, 0);
        NativeGemm.gemm(b.dK, w.W_K(), dIn, false, true, 1, 0);
        NativeGemm.gemm(b.dV, w.W_V(), dIn, false, true, 1, 1);
        INDArray dxq = b.positions(dIn, first, 0, a.q);
        dxq.addi(dY);
        NativeGemm.gemm(dQ, w.W_Q(), dxq, false, true, 1, 1);
    }
}
