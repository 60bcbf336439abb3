package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
/** @param maxAttempts how many times the queue runs the experiment before giving up */
public record ResourcesSpec(@Schema(enumeration = {"cpu", "gpu"}, defaultValue = "cpu") String device,
                            @Schema(minimum = "-100", maximum = "100", defaultValue = "0", description = "higher is claimed first") int priority,
                            @Schema(minimum = "1", maximum = "10", defaultValue = "3") int maxAttempts) {
}
