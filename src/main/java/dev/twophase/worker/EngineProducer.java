package dev.twophase.worker;

import dev.twophase.platform.TwophaseConfig;
import dev.twophase.training.DirectTrainingEngineFactory;
import dev.twophase.training.SameDiffTrainingEngineFactory;
import dev.twophase.training.TrainingEngineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The one place that names the engine implementations; {@code twophase.worker.engine} picks one. */
public class EngineProducer {

    @Produces
    @ApplicationScoped
    TrainingEngineFactory engines(TwophaseConfig config) {
        return forName(config.worker().engine());
    }

    static TrainingEngineFactory forName(String engine) {
        return switch (engine) {
            case "direct" -> new DirectTrainingEngineFactory();
            case "samediff" -> new SameDiffTrainingEngineFactory();
            default -> throw new IllegalArgumentException(
                    "twophase.worker.engine must be direct or samediff, was \"" + engine + "\"");
        };
    }
}
