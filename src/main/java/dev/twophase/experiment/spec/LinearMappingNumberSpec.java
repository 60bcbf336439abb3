package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Linear mapping number (Liu, Zhong &amp; Tegmark 2023) over {@code samples} train inputs. */
@Schema(description = "Linear mapping number (Liu, Zhong & Tegmark 2023, arXiv 2310.05918); present = on")
public record LinearMappingNumberSpec(
        @Schema(minimum = "2", maximum = "200", defaultValue = "20", description = "n, train inputs sampled; n(n-1)/2 pairs of 21 interpolation points each") int samples) {
}
