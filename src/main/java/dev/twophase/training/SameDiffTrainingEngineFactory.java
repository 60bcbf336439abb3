package dev.twophase.training;

/** Builds {@link SameDiffTrainingEngine}s: the CPU (or CUDA, by Maven profile) SameDiff implementation. */
public final class SameDiffTrainingEngineFactory implements TrainingEngineFactory {

    public SameDiffTrainingEngineFactory() {
    }

    @Override
    public TrainingEngine create(TrainingSetup setup) {
        return new SameDiffTrainingEngine(setup);
    }
}
