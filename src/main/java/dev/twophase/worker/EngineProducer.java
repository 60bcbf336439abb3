package dev.twophase.worker;

import dev.twophase.training.SameDiffTrainingEngineFactory;
import dev.twophase.training.TrainingEngineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The one place that names the engine implementation the worker uses. */
public class EngineProducer {

    @Produces
    @ApplicationScoped
    TrainingEngineFactory engines() {
        return new SameDiffTrainingEngineFactory();
    }
}
