package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
/** How I(T;X) of the hidden layers is estimated: {@code binning} the activations into {@code bins} bins. */
public record MutualInformationSpec(@Schema(enumeration = {"binning"}, defaultValue = "binning") String estimator,
                                    @Schema(minimum = "2", maximum = "1000", defaultValue = "30") int bins) {
}
