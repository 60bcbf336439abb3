package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The measure and checkpoint side of {@link TrainingEngine} on the direct engine, checked against each other. */
class DirectEngineInterfaceTest {

    /** p = 53: the ALL split (2809 inputs) takes two forward chunks, the train split (1405) one. */
    private static DirectTrainingEngine trained() {
        DirectTrainingEngine engine = new DirectTrainingEngine(Setups.modularAdd(53).lr(3e-3).batch(64).seed(11).build());
        for (int i = 0; i < 5; i++) {
            engine.trainStep();
        }
        return engine;
    }

    @Test
    void representationsHaveTheDocumentedShapesAndAgreeWithEachOther() {
        try (DirectTrainingEngine engine = trained()) {
            float[][][] last = engine.representations(Split.TEST, Representation.RESIDUAL_LAST);
            float[][][] all = engine.representations(Split.TEST, Representation.RESIDUAL_ALL);
            float[][][] hidden = engine.representations(Split.TEST, Representation.MLP_HIDDEN);
            int n = engine.labels(Split.TEST).length;
            assertThat(last).hasDimensions(2, n);
            assertThat(last[1][0]).hasSize(16);
            assertThat(all[1][n - 1]).hasSize(48);
            assertThat(hidden[0][n - 1]).hasSize(32);
            for (int l = 0; l < 2; l++) {
                for (int i = 0; i < n; i++) {
                    // position "=" of the all-positions stream is the last-position stream
                    for (int j = 0; j < 16; j++) {
                        assertThat(all[l][i][32 + j]).isCloseTo(last[l][i][j], within(1e-5f));
                    }
                }
            }
            assertThat(engine.lastPositionResiduals(Split.TEST)).isDeepEqualTo(last);
        }
    }

    /** Row order does not depend on chunking: inputs of the train split read from the ALL split (2 chunks) match. */
    @Test
    void chunkedForwardPassesKeepDatasetOrder() {
        try (DirectTrainingEngine engine = trained()) {
            float[][][] train = engine.representations(Split.TRAIN, Representation.RESIDUAL_ALL);
            float[][][] all = engine.representations(Split.ALL, Representation.RESIDUAL_ALL);
            int[] trainPairs = engine.dataset().indices(Split.TRAIN);
            for (int k = 0; k < trainPairs.length; k += 97) {
                for (int j = 0; j < 48; j++) {
                    assertThat(train[1][k][j]).isCloseTo(all[1][trainPairs[k]][j], within(1e-4f));
                }
            }
        }
    }

    /**
     * The embedding-space forward from {@link TrainingEngine#embeddedInputs} reproduces the model: its
     * logits give the evaluated accuracy, and GeLU of its last-position pre-activations is MLP_HIDDEN.
     */
    @Test
    void forwardFromEmbeddedInputsReproducesTheModel() {
        try (DirectTrainingEngine engine = trained()) {
            float[][] points = engine.embeddedInputs(Split.TEST);
            assertThat(points[0]).hasSize(48);
            int a = engine.dataset().a(engine.dataset().indices(Split.TEST)[0]);
            INDArray we = engine.parameters().get("W_E");
            INDArray wpos = engine.parameters().get("W_pos");
            assertThat(points[0][3]).isEqualTo(we.getFloat(a, 3) + wpos.getFloat(0, 3));
            EmbeddedForward forward = engine.forwardFromEmbedding(points);
            int[] labels = engine.labels(Split.TEST);
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                float[] row = forward.logits()[i];
                int best = 0;
                for (int c = 1; c < row.length; c++) {
                    best = row[c] > row[best] ? c : best;
                }
                correct += best == labels[i] ? 1 : 0;
            }
            assertThat((double) correct / labels.length).isCloseTo(engine.evaluate().testAccuracy(), within(1e-9));
            float[][][] hidden = engine.representations(Split.TEST, Representation.MLP_HIDDEN);
            assertThat(forward.mlpPreActivations()).hasDimensions(2, labels.length);
            for (int l = 0; l < 2; l++) {
                float[] pre = forward.mlpPreActivations()[l][7];
                assertThat(pre).hasSize(96);
                for (int j = 0; j < 32; j++) {
                    double x = pre[64 + j];
                    assertThat(hidden[l][7][j]).isCloseTo((float) (x / (1 + Math.exp(-1.702 * x))), within(1e-4f));
                }
            }
            assertThatIllegalArgumentException().isThrownBy(() -> engine.forwardFromEmbedding(new float[][]{new float[47]}));
        }
    }

    /** Block norms partition the parameters: Σ blocks² + embeddings² + unembedding² = weightNorm². */
    @Test
    void blockNormsPartitionTheWeightsAndGradientsAppearAfterAStep() {
        try (DirectTrainingEngine fresh = new DirectTrainingEngine(Setups.modularAdd(11).build())) {
            assertThat(fresh.blockGradientNorms()).containsExactly(0.0, 0.0);
            double[] blocks = fresh.blockWeightNorms();
            double rest = 0;
            for (String name : new String[]{"W_E", "W_pos", "W_U"}) {
                double norm = fresh.parameters().get(name).norm2Number().doubleValue();
                rest += norm * norm;
            }
            assertThat(blocks[0] * blocks[0] + blocks[1] * blocks[1] + rest)
                    .isCloseTo(fresh.weightNorm() * fresh.weightNorm(), within(1e-3));
            fresh.trainStep();
            double[] gradients = fresh.blockGradientNorms();
            assertThat(gradients).hasSize(2);
            assertThat(gradients[0]).isPositive().isFinite();
            assertThat(gradients[1]).isPositive().isFinite();
        }
    }

    @Test
    void stateOfAnotherSetupOrFormatIsRejected() {
        try (DirectTrainingEngine a = new DirectTrainingEngine(Setups.modularAdd(11).layers(1).build());
             DirectTrainingEngine b = new DirectTrainingEngine(Setups.modularAdd(11).layers(1).batch(32).build())) {
            byte[] state = a.saveState();
            assertThatIllegalArgumentException().isThrownBy(() -> b.restoreState(state)).withMessageContaining("another setup");
            assertThatIllegalArgumentException().isThrownBy(() -> a.restoreState(Arrays.copyOf(state, state.length / 2)))
                    .withMessageContaining("truncated");
            byte[] foreign = state.clone();
            foreign[0] = 'X';
            assertThatIllegalArgumentException().isThrownBy(() -> a.restoreState(foreign)).withMessageContaining("not a state");
        }
    }
}
