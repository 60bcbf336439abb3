package dev.twophase.experiment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
/** AdamW with a linear learning-rate warm-up over {@code warmupSteps}, optionally on Grokfast-filtered gradients. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OptimizerSpec(@Schema(enumeration = {"adamw"}, defaultValue = "adamw") String type,
                            @Schema(minimum = "0", exclusiveMinimum = true, maximum = "1", defaultValue = "0.001") double learningRate,
                            @Schema(minimum = "0", maximum = "100", defaultValue = "1.0", description = "decoupled (AdamW)") double weightDecay,
                            @Schema(minimum = "0", maximum = "1", exclusiveMaximum = true, defaultValue = "0.9") double beta1,
                            @Schema(minimum = "0", maximum = "1", exclusiveMaximum = true, defaultValue = "0.98") double beta2,
                            @Schema(minimum = "0", description = "linear warm-up; default min(10, steps)") int warmupSteps,
                            @Schema(description = "optional Grokfast filter; absent = none") GradientFilterSpec gradientFilter) {

    /** Without a gradient filter. */
    public OptimizerSpec(String type, double learningRate, double weightDecay, double beta1, double beta2, int warmupSteps) {
        this(type, learningRate, weightDecay, beta1, beta2, warmupSteps, null);
    }
}
