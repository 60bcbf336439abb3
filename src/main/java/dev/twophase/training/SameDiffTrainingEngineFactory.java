package dev.twophase.training;

/** Builds {@link SameDiffTrainingEngine}s: the CPU (or CUDA, by Maven profile) SameDiff implementation. */
public final class SameDiffTrainingEngineFactory implements TrainingEngineFactory {

    public SameDiffTrainingEngineFactory() {
    }

    /** Rejects a Grokfast gradient filter: the graph's fused updater has no hook for one. */
    @Override
    public TrainingEngine create(TrainingSetup setup) {
        if (setup.optimizer().gradientFilter().type() != TrainingSetup.GradientFilterType.NONE) {
            throw new IllegalArgumentException("the samediff engine applies no gradient filter ("
                    + setup.optimizer().gradientFilter().type() + "); run it on the direct engine");
        }
        return new SameDiffTrainingEngine(setup);
    }
}
