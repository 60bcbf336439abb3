package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.twophase.training.TrainingSetup.GradientFilterSetup;
import dev.twophase.training.TrainingSetup.OptimizerSetup;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The hand-written engine against the SameDiff reference and against finite differences. */
class DirectTrainingEngineTest {

    /** Two blocks (the first computes all positions, the last only "="), minibatches of 16 from 60 train pairs. */
    static TrainingSetup twoBlocks(int batch, double lr, double wd) {
        return Setups.modularAdd(11).lr(lr).weightDecay(wd).warmup(5).batch(batch).seed(7).build();
    }

    @Test
    void sameSeedGivesTheSameInitialWeightsAsTheGraph() {
        TrainingSetup setup = twoBlocks(16, 1e-3, 1.0);
        try (SameDiffTrainingEngine reference = new SameDiffTrainingEngine(setup);
             DirectTrainingEngine direct = new DirectTrainingEngine(setup)) {
            Map<String, INDArray> mine = direct.parameters();
            assertThat(mine.keySet()).containsExactlyInAnyOrderElementsOf(
                    reference.trainableVariables().stream().map(v -> v.name()).toList());
            for (var e : mine.entrySet()) {
                INDArray theirs = reference.graph().getVariable(e.getKey()).getArr();
                assertThat(e.getValue().shape()).as(e.getKey()).isEqualTo(theirs.shape());
                assertThat(e.getValue().equals(theirs)).as(e.getKey()).isTrue();
            }
            assertThat(direct.weightNorm()).isCloseTo(reference.weightNorm(), within(1e-4));
        }
    }

    /**
     * From the same weights (set through the hook, from another seed than the engine's own), the
     * per-step minibatch losses of both engines agree for 40 AdamW steps with warm-up and weight
     * decay. Tolerance 2e-4 nats absolute: both are float32 and sum in different orders; measured
     * differences stay below 1e-5.
     */
    @Test
    void lossesMatchTheSameDiffReferenceStepByStep() {
        TrainingSetup setup = twoBlocks(16, 3e-3, 1.0);
        TrainingSetup otherSeed = new TrainingSetup(setup.task(), setup.model(), setup.optimizer(), setup.batchSize(), 99);
        try (SameDiffTrainingEngine reference = new SameDiffTrainingEngine(setup);
             SameDiffTrainingEngine weights = new SameDiffTrainingEngine(otherSeed);
             DirectTrainingEngine direct = new DirectTrainingEngine(setup)) {
            for (String name : direct.parameters().keySet()) {
                INDArray w = weights.graph().getVariable(name).getArr();
                direct.setParameter(name, w);
                reference.graph().getVariable(name).getArr().assign(w);
            }
            double maxDifference = 0;
            for (int i = 0; i < 40; i++) {
                StepResult expected = reference.trainStep();
                StepResult actual = direct.trainStep();
                assertThat(actual.step()).isEqualTo(expected.step());
                assertThat(actual.learningRate()).isEqualTo(expected.learningRate());
                assertThat(actual.loss()).as("step %d", i).isCloseTo(expected.loss(), within(2e-4));
                assertThat(actual.accuracy()).as("step %d", i).isCloseTo(expected.accuracy(), within(1e-9));
                maxDifference = Math.max(maxDifference, Math.abs(actual.loss() - expected.loss()));
            }
            Evaluation e = reference.evaluate();
            Evaluation a = direct.evaluate();
            assertThat(a.trainLoss()).isCloseTo(e.trainLoss(), within(2e-4));
            assertThat(a.testLoss()).isCloseTo(e.testLoss(), within(2e-4));
            assertThat(a.testAccuracy()).isCloseTo(e.testAccuracy(), within(1e-9));
            assertThat(direct.weightNorm()).isCloseTo(reference.weightNorm(), within(1e-3));
            float[][][] expectedResiduals = reference.lastPositionResiduals(Split.TEST);
            float[][][] actualResiduals = direct.lastPositionResiduals(Split.TEST);
            for (int l = 0; l < 2; l++) {
                for (int i = 0; i < expectedResiduals[l].length; i++) {
                    for (int j = 0; j < 16; j++) {
                        assertThat(actualResiduals[l][i][j]).isCloseTo(expectedResiduals[l][i][j], within(1e-3f));
                    }
                }
            }
            System.out.println("direct vs SameDiff, 40 steps: max |loss difference| = " + maxDifference);
        }
    }

    /**
     * The forward-only path (host attention, fused GeLU op, host embedding gather, chunking) gives
     * every representation the measures read as the SameDiff graph does, after a few steps from the
     * same weights: p = 101 has 10,201 inputs, more than one forward chunk, so the split over chunks and
     * the padded last chunk are covered. Tolerance 1e-3 absolute on activations of order 1 (float32,
     * different summation orders).
     */
    @Test
    void forwardRepresentationsMatchTheReferenceOverSeveralChunks() {
        TrainingSetup setup = Setups.modularAdd(101).trainFraction(0.3).lr(3e-3).batch(64).seed(5).build();
        assertThat(101 * 101).isGreaterThan(DirectTrainingEngine.FORWARD_CHUNK);
        try (SameDiffTrainingEngine reference = new SameDiffTrainingEngine(setup);
             DirectTrainingEngine direct = new DirectTrainingEngine(setup)) {
            for (int i = 0; i < 5; i++) {
                reference.trainStep();
                direct.trainStep();
            }
            for (Representation r : Representation.values()) {
                float[][][] expected = reference.representations(Split.ALL, r);
                float[][][] actual = direct.representations(Split.ALL, r);
                assertThat(actual.length).isEqualTo(2);
                double max = 0;
                for (int l = 0; l < 2; l++) {
                    assertThat(actual[l].length).as("%s layer %d", r, l).isEqualTo(101 * 101);
                    for (int i = 0; i < expected[l].length; i++) {
                        assertThat(actual[l][i].length).isEqualTo(expected[l][i].length);
                        for (int j = 0; j < expected[l][i].length; j++) {
                            assertThat(actual[l][i][j]).as("%s layer %d input %d unit %d", r, l, i, j)
                                    .isCloseTo(expected[l][i][j], within(1e-3f));
                            max = Math.max(max, Math.abs(expected[l][i][j]));
                        }
                    }
                }
                assertThat(max).as("%s is not all zeros", r).isGreaterThan(0.1);
            }
            Evaluation e = reference.evaluate();
            Evaluation a = direct.evaluate();
            assertThat(a.trainLoss()).isCloseTo(e.trainLoss(), within(2e-4));
            assertThat(a.testLoss()).isCloseTo(e.testLoss(), within(2e-4));
            assertThat(a.testAccuracy()).isCloseTo(e.testAccuracy(), within(1e-9));
        }
    }

    @Test
    void fullBatchLossesMatchTheReference() {
        TrainingSetup setup = Setups.tiny(1e-3);
        try (SameDiffTrainingEngine reference = new SameDiffTrainingEngine(setup);
             DirectTrainingEngine direct = new DirectTrainingEngine(setup)) {
            for (int i = 0; i < 30; i++) {
                assertThat(direct.trainStep().loss()).as("step %d", i).isCloseTo(reference.trainStep().loss(), within(2e-4));
            }
        }
    }

    /**
     * Central differences in double precision agree with the hand-derived gradient of every tensor
     * (5 random entries each), at the initial weights and with the MLP biases set to ±40 so that the
     * GeLU inputs sit far out on both sides (where {@code sd.nn.gelu}'s gradient was NaN).
     */
    @Test
    void gradientsPassAFiniteDifferenceCheck() {
        for (double bias : new double[]{0.0, 40.0}) {
            TrainingSetup setup = twoBlocks(16, 1e-3, 1.0);
            try (DirectTrainingEngine engine = new DirectTrainingEngine(setup, DataType.DOUBLE)) {
                setAlternatingMlpBiases(engine, bias);
                int[] pairs = java.util.Arrays.copyOf(engine.dataset().indices(Split.TRAIN), 12);
                engine.lossAndGradients(pairs);
                Map<String, INDArray> gradients = engine.parameters().keySet().stream().collect(
                        java.util.stream.Collectors.toMap(n -> n, n -> engine.gradients().get(n).dup()));
                double h = 1e-6;
                java.util.Random random = new java.util.Random(3);
                for (var e : engine.parameters().entrySet()) {
                    INDArray w = e.getValue().reshape(e.getValue().length());
                    INDArray g = gradients.get(e.getKey()).reshape(w.length());
                    for (int k = 0; k < 5; k++) {
                        long i = random.nextInt((int) w.length());
                        double original = w.getDouble(i);
                        w.putScalar(i, original + h);
                        double plus = engine.lossAndGradients(pairs);
                        w.putScalar(i, original - h);
                        double minus = engine.lossAndGradients(pairs);
                        w.putScalar(i, original);
                        double numeric = (plus - minus) / (2 * h);
                        assertThat(g.getDouble(i)).as("%s[%d] with MLP biases ±%s", e.getKey(), i, bias)
                                .isCloseTo(numeric, within(1e-7 + 1e-6 * Math.abs(numeric)));
                    }
                }
            }
        }
    }

    /**
     * The float kernels (what training runs; checked against SameDiff above) and the double kernels
     * (what the finite-difference check differentiates) compute the same loss and gradients from the
     * same weights, over a batch of 200 (three full attention tiles and a partial one; twelve full
     * backward tiles and a partial one). Tolerance: float rounding, relative to each tensor's largest entry.
     */
    @Test
    void floatAndDoubleKernelsGiveTheSameLossAndGradients() {
        TrainingSetup setup = twoBlocks(16, 1e-3, 1.0);
        try (DirectTrainingEngine single = new DirectTrainingEngine(setup);
             DirectTrainingEngine doubled = new DirectTrainingEngine(setup, DataType.DOUBLE)) {
            int[] pairs = java.util.Arrays.copyOf(single.dataset().indices(Split.ALL), 200);
            double singleLoss = single.lossAndGradients(pairs);
            double doubleLoss = doubled.lossAndGradients(pairs);
            assertThat(singleLoss).isCloseTo(doubleLoss, within(1e-5 * Math.abs(doubleLoss)));
            for (var e : doubled.gradients().entrySet()) {
                INDArray expected = e.getValue();
                INDArray actual = single.gradients().get(e.getKey()).castTo(DataType.DOUBLE);
                double scale = expected.amaxNumber().doubleValue();
                assertThat(scale).as(e.getKey()).isPositive();
                assertThat(actual.sub(expected).amaxNumber().doubleValue()).as(e.getKey()).isLessThan(1e-4 * scale);
            }
        }
    }

    /** Float32 at GeLU inputs of ±60 (σ(1.702·−60) underflows): finite gradients, as the graph's GeLU has too. */
    @Test
    void float32GradientsStayFiniteAtLargeGeluInputs() {
        try (DirectTrainingEngine engine = new DirectTrainingEngine(twoBlocks(16, 1e-3, 1.0))) {
            setAlternatingMlpBiases(engine, 60);
            double loss = engine.lossAndGradients(java.util.Arrays.copyOf(engine.dataset().indices(Split.TRAIN), 12));
            assertThat(loss).isFinite();
            for (var e : engine.gradients().entrySet()) {
                assertThat(e.getValue().isInfinite().any() || e.getValue().isNaN().any()).as(e.getKey()).isFalse();
            }
            assertThat(engine.gradients().get("block1_b_in").amaxNumber().doubleValue()).isPositive();
        }
    }

    private static void setAlternatingMlpBiases(DirectTrainingEngine engine, double magnitude) {
        for (var e : engine.parameters().entrySet()) {
            if (e.getKey().endsWith("b_in")) {
                INDArray b = e.getValue();
                for (int i = 0; i < b.length(); i++) {
                    b.putScalar(0, i, i % 2 == 0 ? magnitude : -magnitude);
                }
            }
        }
    }

    @Test
    void saveAndRestoreContinueBitIdentically() {
        for (GradientFilterSetup filter : new GradientFilterSetup[]{GradientFilterSetup.NONE,
                GradientFilterSetup.ema(0.9, 2.0), GradientFilterSetup.movingAverage(4, 1.0)}) {
            TrainingSetup base = twoBlocks(16, 3e-3, 1.0);
            OptimizerSetup o = base.optimizer();
            TrainingSetup setup = new TrainingSetup(base.task(), base.model(),
                    new OptimizerSetup(o.learningRate(), o.weightDecay(), o.beta1(), o.beta2(), o.warmupSteps(), filter),
                    base.batchSize(), base.seed());
            try (DirectTrainingEngine original = new DirectTrainingEngine(setup);
                 DirectTrainingEngine restored = new DirectTrainingEngine(setup)) {
                for (int i = 0; i < 7; i++) {
                    original.trainStep();
                }
                byte[] state = original.saveState();
                restored.restoreState(state);
                assertThat(restored.completedSteps()).isEqualTo(7);
                assertThat(restored.blockGradientNorms()).isEqualTo(original.blockGradientNorms());
                for (int i = 0; i < 10; i++) {
                    StepResult a = original.trainStep();
                    StepResult b = restored.trainStep();
                    assertThat(b).as("%s, step %d", filter.type(), a.step()).isEqualTo(a);
                }
                assertThat(restored.weightNorm()).isEqualTo(original.weightNorm());
                assertThat(restored.saveState()).isEqualTo(original.saveState());
            }
        }
    }
}
