package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class SameDiffTrainingEngineTest {

    /**
     * The service's end-to-end configuration (p = 7 add, 1 layer, d 32, 4 heads, MLP 128, lr 1e-3,
     * wd 1, warm-up 10, batch 512 = full batch, train fraction 0.5) memorises its train split within
     * 200 steps. Measured: train accuracy 1.0 from about step 100.
     */
    @Test
    void tinyConfigurationMemorisesWithin200Steps() {
        try (TrainingEngine engine = new SameDiffTrainingEngineFactory().create(Setups.tiny(1e-3))) {
            List<StepResult> steps = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                steps.add(engine.trainStep());
            }
            Evaluation evaluation = engine.evaluate();
            assertThat(evaluation.trainAccuracy()).isEqualTo(1.0);
            assertThat(evaluation.trainLoss()).isLessThan(0.1);
            assertThat(steps.get(199).loss()).isLessThan(steps.get(0).loss() / 10);
            assertThat(steps.get(0).step()).isZero();
            assertThat(steps.get(199).step()).isEqualTo(199);
            assertThat(engine.completedSteps()).isEqualTo(200);
            assertThat(steps).allMatch(s -> Double.isFinite(s.loss()) && s.accuracy() >= 0 && s.accuracy() <= 1);
            assertThat(evaluation.testLoss()).isFinite();
            assertThat(evaluation.testAccuracy()).isBetween(0.0, 1.0);
            assertThat(engine.weightNorm()).isFinite().isPositive();
        }
    }

    @Test
    void minibatchesTrainToo() {
        // 39 train pairs in shuffled batches of 16 (measured: train loss 1.99 -> 0.45 in 120 steps; batches
        // of 8 learn much more slowly at this rate and weight decay)
        TrainingSetup setup = Setups.modularAdd(7).trainFraction(0.8).layers(1).dModel(32).dMlp(128).lr(3e-3).seed(5).build();
        try (TrainingEngine engine = new SameDiffTrainingEngineFactory().create(setup)) {
            double before = engine.evaluate().trainLoss();
            for (int i = 0; i < 120; i++) {
                StepResult step = engine.trainStep();
                assertThat(step.loss()).isFinite();
                assertThat(step.accuracy() * 16).isCloseTo(Math.rint(step.accuracy() * 16), within(1e-9)); // batch of 16
            }
            assertThat(engine.evaluate().trainLoss()).isLessThan(before / 2);
        }
    }

    /** The step's loss is the cross-entropy only: DL4J's reported score would add the weight-decay norm term. */
    @Test
    void stepLossIsCrossEntropyWithoutWeightDecayTerm() {
        try (TrainingEngine engine = new SameDiffTrainingEngineFactory().create(Setups.tiny(1e-3))) {
            Evaluation before = engine.evaluate();
            StepResult first = engine.trainStep(); // full batch: the same rows, before the update
            assertThat(first.loss()).isCloseTo(before.trainLoss(), within(1e-5));
            assertThat(first.accuracy()).isCloseTo(before.trainAccuracy(), within(1e-9));
            assertThat(first.loss()).isLessThan(Math.log(7) + 1); // the norm term would be ~ weightNorm^2 >> 1
        }
    }

    /** The scheduled rate reaches the updater: Adam's first step moves each weight by ~lr (|m̂/√v̂| = 1). */
    @Test
    void warmUpRateDrivesTheUpdater() {
        TrainingSetup setup = Setups.endToEnd().weightDecay(0.0).build();
        try (SameDiffTrainingEngine engine = new SameDiffTrainingEngine(setup)) {
            INDArray before = engine.graph().getVariable("W_U").getArr().dup();
            StepResult first = engine.trainStep();
            assertThat(first.learningRate()).isCloseTo(1e-4, within(1e-12));
            double maxMove = engine.graph().getVariable("W_U").getArr().sub(before).amaxNumber().doubleValue();
            assertThat(maxMove).isCloseTo(1e-4, within(1e-5));
            for (int i = 1; i < 12; i++) {
                StepResult step = engine.trainStep();
                assertThat(step.learningRate()).isCloseTo(engine.learningRateAt(i), within(1e-15));
            }
            assertThat(engine.learningRateAt(4)).isCloseTo(5e-4, within(1e-12));
            assertThat(engine.learningRateAt(11)).isEqualTo(1e-3);
        }
    }

    /** AdamW: the weight-decay step is decoupled, w -= lr·wd·w on top of the identical Adam step. */
    @Test
    void weightDecayIsDecoupled() {
        double wd = 1.0;
        try (SameDiffTrainingEngine plain = new SameDiffTrainingEngine(Setups.endToEnd().weightDecay(0.0).build());
             SameDiffTrainingEngine decayed = new SameDiffTrainingEngine(Setups.endToEnd().weightDecay(wd).build())) {
            INDArray w0 = plain.graph().getVariable("block1_W_in").getArr().dup();
            assertThat(decayed.graph().getVariable("block1_W_in").getArr()).isEqualTo(w0);
            double lr = plain.trainStep().learningRate();
            decayed.trainStep();
            INDArray difference = decayed.graph().getVariable("block1_W_in").getArr()
                    .sub(plain.graph().getVariable("block1_W_in").getArr());
            INDArray expected = w0.mul(-lr * wd);
            assertThat(difference.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-7);
            assertThat(expected.amaxNumber().doubleValue()).isGreaterThan(1e-5);
        }
    }

    @Test
    void residualsAndLabelsHaveMatchingShapes() {
        TrainingSetup setup = Setups.modularAdd(7).heads(2).batch(512).seed(3).build();
        try (TrainingEngine engine = new SameDiffTrainingEngineFactory().create(setup)) {
            engine.trainStep();
            assertThat(engine.classes()).isEqualTo(7);
            for (Split split : Split.values()) {
                float[][][] residuals = engine.lastPositionResiduals(split);
                int[] labels = engine.labels(split);
                int expected = switch (split) {
                    case TRAIN -> 25; // round(0.5 · 49)
                    case TEST -> 24;
                    case ALL -> 49;
                };
                assertThat(labels).hasSize(expected);
                assertThat(residuals.length).isEqualTo(2);
                for (float[][] layer : residuals) {
                    assertThat(layer.length).isEqualTo(expected);
                    for (float[] row : layer) {
                        assertThat(row).hasSize(16);
                    }
                }
            }
            // dataset order: ALL is 0..48 and pair i = (a, b) = (i / 7, i % 7), label (a + b) mod 7
            int[] all = engine.labels(Split.ALL);
            for (int i = 0; i < 49; i++) {
                assertThat(all[i]).isEqualTo((i / 7 + i % 7) % 7);
            }
        }
    }

    @Test
    void sameSeedSameRunWithinAProcess() {
        TrainingSetup setup = Setups.modularAdd(7).layers(1).heads(2).batch(8).seed(77).build();
        try (TrainingEngine first = new SameDiffTrainingEngineFactory().create(setup);
             TrainingEngine second = new SameDiffTrainingEngineFactory().create(setup);
             TrainingEngine otherSeed = new SameDiffTrainingEngineFactory().create(
                     Setups.modularAdd(7).layers(1).heads(2).batch(8).seed(78).build())) {
            assertThat(second.weightNorm()).isEqualTo(first.weightNorm());
            assertThat(otherSeed.weightNorm()).isNotEqualTo(first.weightNorm());
            for (int i = 0; i < 5; i++) {
                assertThat(second.trainStep().loss()).isCloseTo(first.trainStep().loss(), within(1e-6));
            }
            float[][][] a = first.lastPositionResiduals(Split.TEST);
            float[][][] b = second.lastPositionResiduals(Split.TEST);
            for (int i = 0; i < a[0].length; i++) {
                for (int j = 0; j < a[0][i].length; j++) {
                    assertThat(b[0][i][j]).isCloseTo(a[0][i][j], within(1e-5f));
                }
            }
        }
    }

    @Test
    void closedEngineRefusesWork() {
        TrainingEngine engine = new SameDiffTrainingEngineFactory().create(Setups.tiny(1e-3));
        engine.close();
        engine.close(); // idempotent
        assertThatThrownBy(engine::trainStep).isInstanceOf(IllegalStateException.class);
    }
}
