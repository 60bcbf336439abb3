package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * What the worker's measurement pass relies on from any {@link TrainingEngine}: shapes and semantics of
 * the representations, the embedding-space forward and the per-block norms. Subclass it with the
 * engine's constructor; every test builds its own engine from a small setup.
 */
public abstract class TrainingEngineContract {

    /** p = 7 add, 2 layers, d 32, 4 heads, MLP 64, full batch: a few seconds per test on any engine. */
    protected static final TrainingSetup SETUP = Setups.modularAdd(7).dModel(32).dMlp(64).lr(3e-3).batch(512).seed(9).build();
    private static final int D = 32;
    private static final int D_MLP = 64;
    private static final int LAYERS = 2;
    private static final int POSITIONS = 3;

    protected abstract TrainingEngine create(TrainingSetup setup);

    private TrainingEngine trained(int steps) {
        TrainingEngine engine = create(SETUP);
        for (int i = 0; i < steps; i++) {
            engine.trainStep();
        }
        return engine;
    }

    @Test
    void representationsHaveOneRowPerInputAndTheDocumentedWidth() {
        try (TrainingEngine engine = trained(3)) {
            for (Split split : Split.values()) {
                int n = engine.labels(split).length;
                assertWidth(engine.representations(split, Representation.RESIDUAL_LAST), n, D);
                assertWidth(engine.representations(split, Representation.MLP_HIDDEN), n, D_MLP);
                assertWidth(engine.representations(split, Representation.RESIDUAL_ALL), n, POSITIONS * D);
                float[][] embedded = engine.embeddedInputs(split);
                assertThat(embedded).hasNumberOfRows(n);
                for (float[] row : embedded) {
                    assertThat(row).hasSize(POSITIONS * D);
                }
            }
            assertThat(engine.labels(Split.ALL)).hasSize(49);
        }
    }

    @Test
    void residualAllEndsWithTheLastPositionAndLastPositionResidualsAgree() {
        try (TrainingEngine engine = trained(3)) {
            float[][][] last = engine.representations(Split.TRAIN, Representation.RESIDUAL_LAST);
            float[][][] all = engine.representations(Split.TRAIN, Representation.RESIDUAL_ALL);
            float[][][] lastAgain = engine.lastPositionResiduals(Split.TRAIN);
            for (int block = 0; block < LAYERS; block++) {
                for (int i = 0; i < last[block].length; i++) {
                    assertThat(lastAgain[block][i]).containsExactly(last[block][i]);
                    for (int u = 0; u < D; u++) {
                        // position-major: the last position is the last dModel columns
                        assertThat(all[block][i][(POSITIONS - 1) * D + u]).isCloseTo(last[block][i][u], within(1e-5f));
                    }
                }
            }
        }
    }

    @Test
    void forwardFromTheEmbeddedInputsReproducesTheModel() {
        try (TrainingEngine engine = trained(40)) {
            Evaluation evaluation = engine.evaluate();
            for (Split split : new Split[] {Split.TRAIN, Split.TEST}) {
                int[] labels = engine.labels(split);
                EmbeddedForward forward = engine.forwardFromEmbedding(engine.embeddedInputs(split));
                assertThat(forward.logits()).hasNumberOfRows(labels.length);
                for (float[] row : forward.logits()) {
                    assertThat(row).hasSize(engine.classes());
                }
                int correct = 0;
                double loss = 0;
                for (int i = 0; i < labels.length; i++) {
                    float[] row = forward.logits()[i];
                    int best = 0;
                    double max = row[0];
                    for (int c = 1; c < row.length; c++) {
                        if (row[c] > row[best]) {
                            best = c;
                        }
                        max = Math.max(max, row[c]);
                    }
                    double sumExp = 0;
                    for (float v : row) {
                        sumExp += Math.exp(v - max);
                    }
                    loss += max + Math.log(sumExp) - row[labels[i]];
                    correct += best == labels[i] ? 1 : 0;
                }
                double accuracy = split == Split.TRAIN ? evaluation.trainAccuracy() : evaluation.testAccuracy();
                double meanLoss = split == Split.TRAIN ? evaluation.trainLoss() : evaluation.testLoss();
                assertThat((double) correct / labels.length).isEqualTo(accuracy);
                assertThat(loss / labels.length).isCloseTo(meanLoss, within(1e-4 * (1 + meanLoss)));
            }
        }
    }

    @Test
    void mlpPreActivationsMatchTheHiddenActivationsBySign() {
        try (TrainingEngine engine = trained(5)) {
            float[][][] hidden = engine.representations(Split.TRAIN, Representation.MLP_HIDDEN);
            EmbeddedForward forward = engine.forwardFromEmbedding(engine.embeddedInputs(Split.TRAIN));
            assertThat(forward.mlpPreActivations()).hasNumberOfRows(LAYERS);
            for (int block = 0; block < LAYERS; block++) {
                float[][] pre = forward.mlpPreActivations()[block];
                assertThat(pre).hasNumberOfRows(hidden[block].length);
                for (int i = 0; i < pre.length; i++) {
                    assertThat(pre[i]).hasSize(POSITIONS * D_MLP);
                    for (int j = 0; j < D_MLP; j++) {
                        // Every GeLU variant is positive exactly for positive inputs; last position = last dMlp columns.
                        float z = pre[i][(POSITIONS - 1) * D_MLP + j];
                        if (Math.abs(z) > 1e-4) {
                            assertThat(hidden[block][i][j] > 0).as("block %d row %d unit %d", block, i, j).isEqualTo(z > 0);
                        }
                    }
                }
            }
        }
    }

    @Test
    void blockWeightNormsArePositiveAndPartOfTheWholeNorm() {
        try (TrainingEngine engine = trained(2)) {
            double[] norms = engine.blockWeightNorms();
            assertThat(norms).hasSize(LAYERS);
            double sumOfSquares = 0;
            for (double norm : norms) {
                assertThat(norm).isPositive().isFinite();
                sumOfSquares += norm * norm;
            }
            // The embeddings and the unembedding are not in any block.
            assertThat(Math.sqrt(sumOfSquares)).isLessThan(engine.weightNorm());
        }
    }

    @Test
    void gradientNormsAreZeroBeforeTheFirstStepAndPositiveAfter() {
        try (TrainingEngine engine = create(SETUP)) {
            assertThat(engine.blockGradientNorms()).containsExactly(0.0, 0.0);
            engine.trainStep();
            double[] afterOne = engine.blockGradientNorms();
            assertThat(afterOne).hasSize(LAYERS);
            for (double g : afterOne) {
                assertThat(g).isPositive().isFinite();
            }
            engine.trainStep();
            assertThat(engine.blockGradientNorms()).isNotEqualTo(afterOne);
        }
    }

    private static void assertWidth(float[][][] representation, int rows, int width) {
        assertThat(representation).hasNumberOfRows(LAYERS);
        for (float[][] block : representation) {
            assertThat(block).hasNumberOfRows(rows);
            for (float[] row : block) {
                assertThat(row).hasSize(width);
            }
        }
    }
}
