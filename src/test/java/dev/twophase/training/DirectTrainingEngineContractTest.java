package dev.twophase.training;

/** The engine-agnostic checks, on the engine the worker uses by default. */
class DirectTrainingEngineContractTest extends TrainingEngineContract {

    @Override
    protected TrainingEngine create(TrainingSetup setup) {
        return new DirectTrainingEngine(setup);
    }
}
