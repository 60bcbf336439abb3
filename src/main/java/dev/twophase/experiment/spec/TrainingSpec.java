package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
/** @param seed seeds weight initialisation and minibatch order */
public record TrainingSpec(@Schema(minimum = "1", defaultValue = "10000", description = "at most twophase.limits.max-steps") long steps,
                           @Schema(minimum = "1", defaultValue = "512", description = "at least the train-set size means full batch") int batchSize,
                           @Schema(defaultValue = "42", description = "seeds initialisation and batch order") long seed) {
}
