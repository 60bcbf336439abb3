package dev.twophase.training;

import dev.twophase.training.TrainingSetup.ModelSetup;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every tensor of {@link TransformerGraph}'s model as a view into ONE flat vector, so that the
 * optimiser, the gradient filter, the norms and checkpoints each work on the whole model with a
 * handful of vector operations. The same layout serves the parameters and their gradients.
 *
 * <p>Order (also the initialisation order of {@link TransformerGraph}, so the same seed gives the
 * same weights): {@code W_E, W_pos}, then per block {@code W_Q, W_K, W_V, W_O, W_in, b_in, W_out,
 * b_out} (contiguous, so a block's norm is the norm of one interval), then {@code W_U}. Names are
 * the SameDiff variable names.
 */
final class DirectParameters {

    /** One block's tensors; matrices are {@code [in, out]} (activations are row vectors). */
    record Block(INDArray W_Q, INDArray W_K, INDArray W_V, INDArray W_O,
                 INDArray W_in, INDArray b_in, INDArray W_out, INDArray b_out, INDArray all) {
    }

    final INDArray flat;
    final INDArray W_E;
    final INDArray W_pos;
    final Block[] blocks;
    final INDArray W_U;
    private final Map<String, INDArray> named = new LinkedHashMap<>();
    private long offset;

    /** Views over {@code flat}, which must hold {@link #count} elements. */
    DirectParameters(ModelSetup model, int vocabulary, int classes, INDArray flat) {
        long expected = count(model, vocabulary, classes);
        if (flat.length() != expected || flat.rank() != 1) {
            throw new IllegalArgumentException("flat vector of " + flat.length() + " elements, expected " + expected);
        }
        this.flat = flat;
        int d = model.dModel();
        int m = model.dMlp();
        W_E = next("W_E", vocabulary, d);
        W_pos = next("W_pos", TransformerGraph.POSITIONS, d);
        blocks = new Block[model.layers()];
        for (int l = 0; l < blocks.length; l++) {
            String p = "block" + (l + 1) + "_";
            long start = offset;
            blocks[l] = new Block(next(p + "W_Q", d, d), next(p + "W_K", d, d), next(p + "W_V", d, d),
                    next(p + "W_O", d, d), next(p + "W_in", d, m), next(p + "b_in", 1, m), next(p + "W_out", m, d),
                    next(p + "b_out", 1, d), view(flat, start, offset - start));
        }
        W_U = next("W_U", d, classes);
    }

    static long count(ModelSetup model, int vocabulary, int classes) {
        long d = model.dModel();
        long m = model.dMlp();
        long block = 4 * d * d + d * m + m + m * d + d;
        return vocabulary * d + TransformerGraph.POSITIONS * d + model.layers() * block + d * classes;
    }

    /** Tensors by SameDiff variable name, in layout order. */
    Map<String, INDArray> named() {
        return Collections.unmodifiableMap(named);
    }

    /**
     * Fills the weights exactly as {@link TransformerGraph#build} does: normal draws from
     * {@code java.util.Random(seed)} in layout order, std {@code 1/sqrt(fan_in)} for matrices and
     * {@code 1/sqrt(dModel)} for the embeddings; biases zero.
     */
    void initialise(ModelSetup model, long seed) {
        Random random = new Random(seed);
        double[] values = new double[(int) flat.length()];
        int k = 0;
        for (Map.Entry<String, INDArray> e : named.entrySet()) {
            INDArray t = e.getValue();
            int n = (int) t.length();
            if (e.getKey().contains("_b_")) {
                k += n;
                continue;
            }
            double std = 1.0 / Math.sqrt(e.getKey().endsWith("W_out") ? model.dMlp() : model.dModel());
            for (int i = 0; i < n; i++) {
                values[k++] = random.nextGaussian() * std;
            }
        }
        flat.assign(Nd4j.createFromArray(values).castTo(flat.dataType()));
    }

    private INDArray next(String name, long rows, long cols) {
        INDArray v = view(flat, offset, rows, cols);
        offset += rows * cols;
        named.put(name, v);
        return v;
    }

    /** A c-order view of {@code length} consecutive elements of {@code base} from element {@code from}, shaped. */
    static INDArray view(INDArray base, long from, long... shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        DataType dtype = base.dataType();
        return Nd4j.create(base.data(), shape, strides, base.offset() + from, 'c', dtype);
    }
}
