package dev.twophase.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sum of cross-entropies (nats) and count of correct argmax predictions over some rows; both engines
 * score their logits with {@link #crossEntropy}, accumulated in double.
 */
record Scores(double lossSum, long correct, long count) {

    static final Scores EMPTY = new Scores(0, 0, 0);

    /** The rows of an ND4J logits matrix {@code [rows, classes]}. */
    static Scores of(INDArray logits, int[] labels) {
        double[][] rows = logits.castTo(DataType.DOUBLE).toDoubleMatrix();
        int classes = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * classes];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * classes, classes);
        }
        return crossEntropy(flat, classes, rows.length, labels, 0);
    }

    /**
     * Scores the first {@code count} rows of row-major {@code logits}. With {@code gradientDivisor > 0}
     * it also overwrites those rows with the gradient of the mean loss over that many samples,
     * {@code (softmax − onehot) / gradientDivisor}.
     */
    static Scores crossEntropy(double[] logits, int classes, int count, int[] labels, int gradientDivisor) {
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
            if (gradientDivisor > 0) {
                for (int c = 0; c < classes; c++) {
                    logits[row + c] = (Math.exp(logits[row + c] - max) / sumExp - (c == labels[i] ? 1 : 0)) / gradientDivisor;
                }
            }
        }
        return new Scores(lossSum, correct, count);
    }

    Scores plus(Scores other) {
        return new Scores(lossSum + other.lossSum, correct + other.correct, count + other.count);
    }

    double meanLoss() {
        return count == 0 ? Double.NaN : lossSum / count;
    }

    double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }
}
