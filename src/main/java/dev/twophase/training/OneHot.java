package dev.twophase.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** One-hot encodings of pairs, the graph's inputs ({@link TransformerGraph#TOKENS}, {@link TransformerGraph#LABELS}). */
final class OneHot {

    private OneHot() {
    }

    /** {@code [n·3, tokenVocabulary]}: rows a, b, = of each pair in turn. */
    static INDArray tokens(TaskDataset data, int[] pairs, DataType dtype) {
        int vocabulary = data.tokenVocabulary();
        float[] values = new float[pairs.length * TransformerGraph.POSITIONS * vocabulary];
        for (int i = 0; i < pairs.length; i++) {
            int row = i * TransformerGraph.POSITIONS;
            values[row * vocabulary + data.a(pairs[i])] = 1f;
            values[(row + 1) * vocabulary + data.b(pairs[i])] = 1f;
            values[(row + 2) * vocabulary + data.equalsToken()] = 1f;
        }
        return Nd4j.create(values, new long[]{(long) pairs.length * TransformerGraph.POSITIONS, vocabulary}, dtype);
    }

    /** {@code [n, classes]}. */
    static INDArray labels(TaskDataset data, int[] pairs, DataType dtype) {
        int classes = data.classes();
        float[] values = new float[pairs.length * classes];
        for (int i = 0; i < pairs.length; i++) {
            values[i * classes + data.label(pairs[i])] = 1f;
        }
        return Nd4j.create(values, new long[]{pairs.length, classes}, dtype);
    }
}
