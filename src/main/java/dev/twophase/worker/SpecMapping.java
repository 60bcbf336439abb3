package dev.twophase.worker;

import dev.twophase.experiment.spec.ExperimentSpec;
import dev.twophase.experiment.spec.GradientFilterSpec;
import dev.twophase.experiment.spec.TaskSpec;
import dev.twophase.training.TrainingSetup;
import dev.twophase.training.TrainingSetup.GradientFilterSetup;
import dev.twophase.training.TrainingSetup.ModelSetup;
import dev.twophase.training.TrainingSetup.ModularOperation;
import dev.twophase.training.TrainingSetup.OptimizerSetup;
import dev.twophase.training.TrainingSetup.TaskSetup;
import dev.twophase.training.TrainingSetup.TaskType;

import java.util.Locale;

/** Translates a validated spec into what the training engine needs. */
final class SpecMapping {

    private SpecMapping() {
    }

    static TrainingSetup toSetup(ExperimentSpec spec) {
        TaskSpec task = spec.task();
        TaskSetup taskSetup = switch (task.type()) {
            case "modular" -> new TaskSetup(TaskType.MODULAR,
                    ModularOperation.valueOf(task.operation().toUpperCase(Locale.ROOT)), task.modulus(), 0,
                    task.trainFraction(), task.seed());
            case "permutation" -> new TaskSetup(TaskType.PERMUTATION, null, 0, task.n(), task.trainFraction(),
                    task.seed());
            default -> throw new IllegalArgumentException("unknown task type " + task.type());
        };
        var m = spec.model();
        var o = spec.optimizer();
        return new TrainingSetup(taskSetup,
                new ModelSetup(m.layers(), m.dModel(), m.heads(), m.dMlp()),
                new OptimizerSetup(o.learningRate(), o.weightDecay(), o.beta1(), o.beta2(), o.warmupSteps(),
                        gradientFilter(o.gradientFilter())),
                spec.training().batchSize(), spec.training().seed());
    }

    static GradientFilterSetup gradientFilter(GradientFilterSpec filter) {
        if (filter == null) {
            return GradientFilterSetup.NONE;
        }
        return switch (filter.type()) {
            case GradientFilterSpec.EMA -> GradientFilterSetup.ema(filter.alpha(), filter.lambda());
            case GradientFilterSpec.MOVING_AVERAGE -> GradientFilterSetup.movingAverage(filter.window(), filter.lambda());
            default -> throw new IllegalArgumentException("unknown gradient filter type " + filter.type());
        };
    }
}
