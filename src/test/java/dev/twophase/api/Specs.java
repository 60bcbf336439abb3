package dev.twophase.api;

/** Specs used by the end-to-end tests: tiny models that train in seconds. */
final class Specs {

    private Specs() {
    }

    static String tiny(String name, long steps, int every) {
        return """
                {"name": "%s",
                 "task": {"type": "modular", "operation": "add", "modulus": 7, "trainFraction": 0.5, "seed": 1},
                 "model": {"layers": 1, "dModel": 32, "heads": 4, "dMlp": 128},
                 "optimizer": {"learningRate": 3e-3, "weightDecay": 1.0, "warmupSteps": 10},
                 "training": {"steps": %d, "batchSize": 512, "seed": 42},
                 "measures": {"every": %d, "mutualInformation": {"estimator": "binning", "bins": 30}}}
                """.formatted(name, steps, every);
    }
}
