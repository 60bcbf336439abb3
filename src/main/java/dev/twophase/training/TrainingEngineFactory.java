package dev.twophase.training;

/** Builds engines; the worker holds one factory and never names an implementation. */
public interface TrainingEngineFactory {
    TrainingEngine create(TrainingSetup setup);
}
