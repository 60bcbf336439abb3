package dev.twophase.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.twophase.experiment.spec.GradientFilterSpec;
import dev.twophase.training.DirectTrainingEngineFactory;
import dev.twophase.training.SameDiffTrainingEngineFactory;
import dev.twophase.training.TrainingSetup;
import dev.twophase.training.TrainingSetup.GradientFilterSetup;
import org.junit.jupiter.api.Test;

class EngineProducerTest {

    @Test
    void theConfigurationNamesTheEngine() {
        assertThat(EngineProducer.forName("direct")).isInstanceOf(DirectTrainingEngineFactory.class);
        assertThat(EngineProducer.forName("samediff")).isInstanceOf(SameDiffTrainingEngineFactory.class);
        assertThatIllegalArgumentException().isThrownBy(() -> EngineProducer.forName("torch"))
                .withMessageContaining("twophase.worker.engine");
    }

    @Test
    void theReferenceEngineRefusesAGradientFilterClearly() {
        TrainingSetup setup = new TrainingSetup(
                new TrainingSetup.TaskSetup(TrainingSetup.TaskType.MODULAR, TrainingSetup.ModularOperation.ADD, 7, 0, 0.5, 1),
                new TrainingSetup.ModelSetup(1, 16, 4, 32),
                new TrainingSetup.OptimizerSetup(1e-3, 1, 0.9, 0.98, 0, GradientFilterSetup.ema(0.98, 2)), 16, 1);
        assertThatIllegalArgumentException().isThrownBy(() -> new SameDiffTrainingEngineFactory().create(setup))
                .withMessageContaining("no gradient filter");
    }

    @Test
    void specFiltersMapToEngineFilters() {
        assertThat(SpecMapping.gradientFilter(null)).isEqualTo(GradientFilterSetup.NONE);
        assertThat(SpecMapping.gradientFilter(new GradientFilterSpec("ema", 0.98, null, 2.0)))
                .isEqualTo(GradientFilterSetup.ema(0.98, 2.0));
        assertThat(SpecMapping.gradientFilter(new GradientFilterSpec("ma", null, 100, 5.0)))
                .isEqualTo(GradientFilterSetup.movingAverage(100, 5.0));
    }
}
