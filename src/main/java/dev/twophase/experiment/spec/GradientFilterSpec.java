package dev.twophase.experiment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Grokfast gradient filter (Lee et al. 2024, arXiv 2405.20233): the optimiser sees
 * {@code g + lambda·filter(g)}, filter = exponential moving average with decay {@code alpha}
 * ({@code ema}) or mean of the last {@code window} gradients ({@code ma}, once the window is full).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GradientFilterSpec(@Schema(enumeration = {"ema", "ma"}, required = true) String type,
                                 @Schema(description = "ema only; in (0, 1)", defaultValue = "0.98") Double alpha,
                                 @Schema(description = "ma only; 1..1000 gradients", defaultValue = "100") Integer window,
                                 @Schema(minimum = "0", maximum = "100", description = "default 2 (ema), 5 (ma)") double lambda) {

    public static final String EMA = "ema";
    public static final String MOVING_AVERAGE = "ma";
}
