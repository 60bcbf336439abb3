package dev.twophase.training;

/** Builds {@link DirectTrainingEngine}s: the hand-written ND4J engine (CPU, or CUDA by Maven profile). */
public final class DirectTrainingEngineFactory implements TrainingEngineFactory {

    public DirectTrainingEngineFactory() {
    }

    @Override
    public TrainingEngine create(TrainingSetup setup) {
        return new DirectTrainingEngine(setup);
    }
}
