package dev.twophase.training;

import dev.twophase.training.TrainingSetup.ModelSetup;
import dev.twophase.training.TrainingSetup.ModularOperation;
import dev.twophase.training.TrainingSetup.OptimizerSetup;
import dev.twophase.training.TrainingSetup.TaskSetup;
import dev.twophase.training.TrainingSetup.TaskType;

/** Small setups shared by the training tests. */
final class Setups {

    private Setups() {
    }

    static TrainingSetup modularAdd(int p, double trainFraction, int layers, int d, int heads, int dMlp,
                                    double lr, double wd, int warmup, int batch, long seed) {
        return new TrainingSetup(
                new TaskSetup(TaskType.MODULAR, ModularOperation.ADD, p, 0, trainFraction, 1234),
                new ModelSetup(layers, d, heads, dMlp),
                new OptimizerSetup(lr, wd, 0.9, 0.98, warmup),
                batch, seed);
    }

    /** The tiny configuration the service's end-to-end test uses. */
    static TrainingSetup tiny(double lr) {
        return modularAdd(7, 0.5, 1, 32, 4, 128, lr, 1.0, 10, 512, 42);
    }
}
