package dev.twophase.training;

import dev.twophase.training.TrainingSetup.ModelSetup;
import java.util.Random;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds the paper's decoder-only transformer as a SameDiff graph (DESIGN.md, "The paper in one
 * paragraph"; the architecture of Nanda et al. 2023's grokking model):
 * tokens {@code a, b, =} -> token embedding + position embedding -> {@code layers} x
 * [causal multi-head attention, GeLU MLP], each added to the residual stream, no LayerNorm ->
 * unembedding read at the last position -> softmax cross-entropy.
 *
 * <p>Following Nanda et al., the attention projections and the unembedding have no bias; the MLP
 * has biases. Initialisation (explicit, from {@code java.util.Random(seed)}, so it does not depend
 * on ND4J's global RNG state): matrices normal with std {@code 1/sqrt(fan_in)}, the token and
 * position embeddings normal with std {@code 1/sqrt(dModel)}, biases zero.
 *
 * <p>SameDiff choices (DL4J-NOTES.md): the token embedding is a one-hot placeholder times the
 * table ({@code sd.gather} is not trainable in practice); GeLU is {@code x·sigmoid(1.702x)} from
 * primitives ({@code sd.nn.gelu} has NaN gradients above ~26); attention is written with rank-4
 * {@code mmul} and an additive causal mask ({@code multiHeadDotProductAttention} takes no causal mask).
 * The residual stream is kept as a 2-D {@code [batch·3, dModel]} matrix so every projection is one
 * plain matmul.
 */
final class TransformerGraph {

    /** Sequence length: {@code a, b, =}. */
    static final int POSITIONS = 3;
    /** One-hot tokens, {@code [batch·3, tokenVocabulary]}, rows ordered sample-major (a, b, = of sample 0 first). */
    static final String TOKENS = "tokens";
    /** One-hot labels, {@code [batch, classes]}. */
    static final String LABELS = "labels";
    /** Unnormalised class scores at the last position, {@code [batch, classes]}. */
    static final String LOGITS = "logits";
    /** Embedded inputs of {@link #buildFromEmbedding}, {@code [points, 3·dModel]} (token plus position embedding). */
    static final String EMBEDDED = "embedded";
    /** Mean softmax cross-entropy over the batch (the training objective, no weight-decay term). */
    static final String LOSS = "loss";

    private TransformerGraph() {
    }

    /** Residual stream after block {@code block} (1-based; 0 = the embeddings), {@code [batch, 3, dModel]}. */
    static String residual(int block) {
        return "residual_" + block;
    }

    /** Residual stream after block {@code block} at the last position, {@code [batch, dModel]}. */
    static String lastResidual(int block) {
        return "residual_last_" + block;
    }

    /** MLP pre-activations (GeLU inputs) of block {@code block}, {@code [batch·3, dMlp]}. */
    static String mlpPreActivation(int block) {
        return "mlp_pre_" + block;
    }

    /** MLP hidden activations (GeLU outputs) of block {@code block}, {@code [batch·3, dMlp]}. */
    static String mlpHidden(int block) {
        return "mlp_hidden_" + block;
    }

    /** Attention probabilities of block {@code block}, {@code [batch, heads, 3 (query), 3 (key)]}. */
    static String attention(int block) {
        return blockPrefix(block) + "attention";
    }

    /** Prefix of the names of block {@code block}'s parameters. */
    static String blockPrefix(int block) {
        return "block" + block + "_";
    }

    static SameDiff build(ModelSetup model, int tokenVocabulary, int classes, long seed, DataType dtype) {
        int d = model.dModel();
        int heads = model.heads();
        if (d % heads != 0) {
            throw new IllegalArgumentException("dModel " + d + " is not divisible by heads " + heads);
        }
        Random random = new Random(seed);
        SameDiff sd = SameDiff.create();

        SDVariable tokens = sd.placeHolder(TOKENS, dtype, -1, tokenVocabulary);
        SDVariable labels = sd.placeHolder(LABELS, dtype, -1, classes);

        SDVariable tokenEmbedding = weight(sd, "W_E", random, 1.0 / Math.sqrt(d), dtype, tokenVocabulary, d);
        SDVariable positionEmbedding = weight(sd, "W_pos", random, 1.0 / Math.sqrt(d), dtype, POSITIONS, d);
        // [B·3, d] -> [B, 3, d] + [3, d] (broadcast) -> back to [B·3, d]
        SDVariable embedded = tokens.mmul(tokenEmbedding).reshape(-1, POSITIONS, d).add(residual(0), positionEmbedding);
        SDVariable stream = embedded.reshape(-1, d);

        SDVariable lastLayer = blocks(sd, stream, model, random, dtype);

        SDVariable unembedding = weight(sd, "W_U", random, 1.0 / Math.sqrt(d), dtype, d, classes);
        SDVariable logits = lastLayer.mmul(unembedding).rename(LOGITS);
        sd.loss.softmaxCrossEntropy(LOSS, labels, logits, null, LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0);
        sd.setLossVariables(LOSS);
        return sd;
    }

    /**
     * The same blocks and unembedding as {@link #build} fed from a placeholder {@link #EMBEDDED}
     * ({@code [points, 3·dModel]}, position-major) instead of tokens: the model as a function of its
     * continuous input. Parameters are zeros; the engine copies the trained values in before use.
     */
    static SameDiff buildFromEmbedding(ModelSetup model, int classes, DataType dtype) {
        int d = model.dModel();
        SameDiff sd = SameDiff.create();
        SDVariable embedded = sd.placeHolder(EMBEDDED, dtype, -1, (long) POSITIONS * d);
        SDVariable lastLayer = blocks(sd, embedded.reshape(-1, d), model, null, dtype);
        weight(sd, "W_U", null, 0, dtype, d, classes);
        lastLayer.mmul(sd.getVariable("W_U")).rename(LOGITS);
        return sd;
    }

    /**
     * The {@code layers} blocks on the residual stream {@code [B·3, dModel]}; returns the stream after the
     * last block at the last position. {@code random} null: parameters start at zero.
     */
    private static SDVariable blocks(SameDiff sd, SDVariable stream, ModelSetup model, Random random, DataType dtype) {
        int d = model.dModel();
        int heads = model.heads();
        int dHead = d / heads;
        // Additive causal mask: position i may attend to j <= i only.
        double[] maskValues = new double[POSITIONS * POSITIONS];
        for (int i = 0; i < POSITIONS; i++) {
            for (int j = i + 1; j < POSITIONS; j++) {
                maskValues[i * POSITIONS + j] = -1e9;
            }
        }
        SDVariable causalMask = sd.constant("causal_mask",
                Nd4j.create(maskValues, new long[]{POSITIONS, POSITIONS}, dtype));

        SDVariable lastLayer = null;
        for (int layer = 1; layer <= model.layers(); layer++) {
            String p = blockPrefix(layer);
            // --- causal multi-head self-attention ---
            SDVariable wq = weight(sd, p + "W_Q", random, 1.0 / Math.sqrt(d), dtype, d, d);
            SDVariable wk = weight(sd, p + "W_K", random, 1.0 / Math.sqrt(d), dtype, d, d);
            SDVariable wv = weight(sd, p + "W_V", random, 1.0 / Math.sqrt(d), dtype, d, d);
            SDVariable wo = weight(sd, p + "W_O", random, 1.0 / Math.sqrt(d), dtype, d, d);
            SDVariable q = splitHeads(stream.mmul(wq), heads, dHead);
            SDVariable k = splitHeads(stream.mmul(wk), heads, dHead);
            SDVariable v = splitHeads(stream.mmul(wv), heads, dHead);
            SDVariable scores = sd.mmul(q, k, false, true, false)      // [B, H, 3, 3]
                    .mul(1.0 / Math.sqrt(dHead))
                    .add(causalMask);
            SDVariable pattern = sd.nn.softmax(attention(layer), scores, 3);
            SDVariable mixed = sd.mmul(pattern, v)                     // [B, H, 3, dHead]
                    .permute(0, 2, 1, 3)                                // [B, 3, H, dHead]
                    .reshape(-1, d);                                    // [B·3, d]
            stream = stream.add(mixed.mmul(wo));

            // --- MLP d -> dMlp -> d ---
            SDVariable wIn = weight(sd, p + "W_in", random, 1.0 / Math.sqrt(d), dtype, d, model.dMlp());
            SDVariable bIn = sd.var(p + "b_in", Nd4j.zeros(dtype, 1, model.dMlp()));
            SDVariable wOut = weight(sd, p + "W_out", random, 1.0 / Math.sqrt(model.dMlp()), dtype, model.dMlp(), d);
            SDVariable bOut = sd.var(p + "b_out", Nd4j.zeros(dtype, 1, d));
            SDVariable preActivation = stream.mmul(wIn).add(bIn).rename(mlpPreActivation(layer));
            SDVariable hidden = gelu(preActivation).rename(mlpHidden(layer));
            stream = stream.add(hidden.mmul(wOut).add(bOut));

            SDVariable blockOut = stream.reshape(-1, POSITIONS, d).rename(residual(layer));
            lastLayer = blockOut.get(SDIndex.all(), SDIndex.point(POSITIONS - 1), SDIndex.all())
                    .rename(lastResidual(layer));
        }
        return lastLayer;
    }

    /**
     * GeLU approximated as {@code x·sigmoid(1.702x)} from primitives: {@code sd.nn.gelu}'s gradient is
     * NaN for inputs above ~26 (DL4J-NOTES.md), which the residual stream reaches after memorisation.
     */
    static SDVariable gelu(SDVariable x) {
        return x.mul(x.getSameDiff().nn.sigmoid(x.mul(1.702)));
    }

    /** {@code [B·3, d]} -> {@code [B, H, 3, dHead]}. */
    private static SDVariable splitHeads(SDVariable x, int heads, int dHead) {
        return x.reshape(-1, POSITIONS, heads, dHead).permute(0, 2, 1, 3);
    }

    private static SDVariable weight(SameDiff sd, String name, Random random, double std, DataType dtype, int rows, int cols) {
        double[] values = new double[rows * cols];
        for (int i = 0; random != null && i < values.length; i++) {
            values[i] = random.nextGaussian() * std;
        }
        return sd.var(name, Nd4j.create(values, new long[]{rows, cols}, dtype));
    }
}
