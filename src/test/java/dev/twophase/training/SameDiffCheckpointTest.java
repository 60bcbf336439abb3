package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * saveState/restoreState continue the same trajectory: a fresh engine restored from the state saved
 * after step k takes the same steps k+1... as the engine that was never interrupted. Shuffled
 * minibatches (the sampler's position matters), warm-up (the schedule's step matters), AdamW (the
 * moments matter). Tolerance: 1e-5 relative on every step's loss and the final weight norm
 * (measured here: identical to the last bit on one machine and native build).
 */
class SameDiffCheckpointTest {

    private static final double TOLERANCE = 1e-5;
    private static final TrainingSetup SETUP =
            Setups.modularAdd(7).trainFraction(0.8).layers(1).heads(2).lr(3e-3).warmup(6).seed(5).build();
    private static final TrainingEngineFactory ENGINES = new SameDiffTrainingEngineFactory();

    @Test
    void restoredEngineContinuesTheSameTrajectory() {
        int saveAfter = 5;
        int total = 14;
        double[] uninterrupted = new double[total];
        byte[] state;
        double finalNorm;
        try (TrainingEngine engine = ENGINES.create(SETUP)) {
            for (int i = 0; i < saveAfter; i++) {
                uninterrupted[i] = engine.trainStep().loss();
            }
            state = engine.saveState();
            for (int i = saveAfter; i < total; i++) {
                uninterrupted[i] = engine.trainStep().loss();
            }
            finalNorm = engine.weightNorm();
        }
        try (TrainingEngine resumed = ENGINES.create(SETUP)) {
            resumed.restoreState(state);
            assertThat(resumed.completedSteps()).isEqualTo(saveAfter);
            for (int i = saveAfter; i < total; i++) {
                StepResult step = resumed.trainStep();
                assertThat(step.step()).isEqualTo(i);
                assertThat(step.loss()).as("loss of step %d", i)
                        .isCloseTo(uninterrupted[i], within(TOLERANCE * Math.abs(uninterrupted[i])));
            }
            assertThat(resumed.weightNorm()).isCloseTo(finalNorm, within(TOLERANCE * finalNorm));
        }
    }

    /** Without the state a fresh engine takes different steps: the comparison above can fail. */
    @Test
    void aFreshEngineDoesNotContinueWithoutTheState() {
        double[] first = new double[3];
        double continued;
        try (TrainingEngine engine = ENGINES.create(SETUP)) {
            for (int i = 0; i < 3; i++) {
                first[i] = engine.trainStep().loss();
            }
            continued = engine.trainStep().loss();
        }
        try (TrainingEngine fresh = ENGINES.create(SETUP)) {
            assertThat(fresh.trainStep().loss()).isCloseTo(first[0], within(TOLERANCE * first[0]));
            assertThat(Math.abs(fresh.trainStep().loss() - continued)).isGreaterThan(TOLERANCE * continued);
        }
    }

    @Test
    void stateOfAnotherSetupOrCorruptStateIsRejected() {
        byte[] state;
        try (TrainingEngine engine = ENGINES.create(SETUP)) {
            engine.trainStep();
            state = engine.saveState();
        }
        TrainingSetup other = Setups.modularAdd(7).trainFraction(0.8).layers(1).heads(2).warmup(6).seed(5).build();
        try (TrainingEngine engine = ENGINES.create(other)) {
            assertThatThrownBy(() -> engine.restoreState(state)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("another setup");
            assertThatThrownBy(() -> engine.restoreState(Arrays.copyOf(state, state.length / 2)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> engine.restoreState(new byte[]{1, 2, 3, 4, 5, 6, 7, 8}))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(engine.completedSteps()).isZero();
        }
    }
}
