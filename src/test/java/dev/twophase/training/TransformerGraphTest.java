package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.twophase.training.TrainingSetup.ModelSetup;
import dev.twophase.training.TrainingSetup.ModularOperation;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TransformerGraphTest {

    /** DL4J-NOTES.md: sd.nn.gelu has NaN gradients above ~26; our x·sigmoid(1.702x) must not. */
    @Test
    void geluGradientIsFiniteAtLargeInputs() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.createFromArray(30f, 100f, 1000f, -30f, -100f, -1000f, 0f));
        SDVariable loss = TransformerGraph.gelu(x).sum("loss");
        sd.setLossVariables(loss);
        float[] value = sd.outputSingle(Map.of(), "loss").reshape(1).toFloatVector();
        float[] gradient = sd.calculateGradients(Map.of(), "x").get("x").toFloatVector();

        assertThat(value[0]).isFinite();
        for (float g : gradient) {
            assertThat(g).isFinite();
        }
        // gelu(x) ~ x for large x, ~ 0 for very negative x: slopes 1 and 0; gelu'(0) = 0.5
        assertThat(gradient[0]).isCloseTo(1f, within(1e-4f));
        assertThat(gradient[1]).isCloseTo(1f, within(1e-4f));
        assertThat(gradient[2]).isCloseTo(1f, within(1e-4f));
        assertThat(gradient[3]).isCloseTo(0f, within(1e-4f));
        assertThat(gradient[4]).isCloseTo(0f, within(1e-4f));
        assertThat(gradient[5]).isCloseTo(0f, within(1e-4f));
        assertThat(gradient[6]).isCloseTo(0.5f, within(1e-6f));
    }

    /**
     * SameDiff's backward pass against central finite differences, in double precision, on a few
     * entries of every trainable variable. Tolerance: relative error below 1e-5 (or absolute below
     * 1e-9 where both are ~0); with eps 1e-6 the truncation error is ~1e-12 and round-off ~1e-10.
     */
    @Test
    void gradientsMatchFiniteDifferences() {
        DataType previous = Nd4j.dataType();
        DataType previousFloating = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            TaskDataset data = TaskDataset.modular(ModularOperation.ADD, 5, 0.5, 1);
            SameDiff sd = TransformerGraph.build(new ModelSetup(1, 8, 2, 16), data.tokenVocabulary(), data.classes(),
                    7, DataType.DOUBLE);
            int[] pairs = data.indices(Split.TRAIN);
            Map<String, INDArray> inputs = Map.of(
                    TransformerGraph.TOKENS, OneHot.tokens(data, pairs, DataType.DOUBLE),
                    TransformerGraph.LABELS, OneHot.labels(data, pairs, DataType.DOUBLE));

            String[] names = sd.variables().stream()
                    .filter(v -> v.getVariableType() == VariableType.VARIABLE)
                    .map(SDVariable::name).toArray(String[]::new);
            assertThat(names).contains("W_E", "W_pos", "block1_W_Q", "block1_W_K", "block1_W_V", "block1_W_O",
                    "block1_W_in", "block1_b_in", "block1_W_out", "block1_b_out", "W_U");
            Map<String, INDArray> gradients = sd.calculateGradients(inputs, names);

            Random random = new Random(3);
            double eps = 1e-6;
            int checked = 0;
            for (String name : names) {
                INDArray w = sd.getVariable(name).getArr();
                INDArray g = gradients.get(name);
                assertThat(g.dataType()).isEqualTo(DataType.DOUBLE);
                for (int k = 0; k < 4; k++) {
                    long i = random.nextInt((int) w.length());
                    double original = w.getDouble(i);
                    w.putScalar(i, original + eps);
                    double plus = loss(sd, inputs);
                    w.putScalar(i, original - eps);
                    double minus = loss(sd, inputs);
                    w.putScalar(i, original);
                    double numeric = (plus - minus) / (2 * eps);
                    double analytic = g.getDouble(i);
                    double scale = Math.max(Math.abs(numeric), Math.abs(analytic));
                    if (scale > 1e-9) {
                        assertThat(Math.abs(numeric - analytic) / scale)
                                .as("%s[%d]: analytic %g numeric %g", name, i, analytic, numeric)
                                .isLessThan(1e-5);
                    }
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(4 * names.length);
        } finally {
            Nd4j.setDefaultDataTypes(previous, previousFloating);
        }
    }

    private static double loss(SameDiff sd, Map<String, INDArray> inputs) {
        return sd.outputSingle(inputs, TransformerGraph.LOSS).getDouble(0);
    }

    /** The causal mask: position 0 sees only a, so changing b must not move its residual stream. */
    @Test
    void attentionIsCausal() {
        TaskDataset data = TaskDataset.modular(ModularOperation.ADD, 5, 0.5, 1);
        SameDiff sd = TransformerGraph.build(new ModelSetup(2, 16, 4, 32), data.tokenVocabulary(), data.classes(),
                11, DataType.FLOAT);
        int[] pairs = {1 * 5 + 2, 1 * 5 + 4}; // (a=1, b=2) and (a=1, b=4), a-major numbering
        assertThat(data.a(pairs[0])).isEqualTo(data.a(pairs[1]));
        assertThat(data.b(pairs[0])).isNotEqualTo(data.b(pairs[1]));
        Map<String, INDArray> out = sd.output(Map.of(TransformerGraph.TOKENS, OneHot.tokens(data, pairs, DataType.FLOAT)),
                TransformerGraph.residual(1), TransformerGraph.residual(2), TransformerGraph.lastResidual(2));
        for (int block = 1; block <= 2; block++) {
            INDArray r = out.get(TransformerGraph.residual(block));
            assertThat(r.shape()).containsExactly(2, 3, 16);
            float[][] first = r.slice(0).toFloatMatrix();
            float[][] second = r.slice(1).toFloatMatrix();
            assertThat(second[0]).as("position 0 after block %d", block).containsExactly(first[0]);
            assertThat(second[1]).as("position 1 sees b").isNotEqualTo(first[1]);
            assertThat(second[2]).as("position 2 sees b").isNotEqualTo(first[2]);
        }
        // the last-position view is position 2 of the full residual
        assertThat(out.get(TransformerGraph.lastResidual(2)).toFloatMatrix()[1])
                .containsExactly(out.get(TransformerGraph.residual(2)).slice(1).toFloatMatrix()[2]);
    }
}
