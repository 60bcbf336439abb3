package dev.twophase.experiment.spec;

/** How I(T;X) of the hidden layers is estimated: {@code binning} the activations into {@code bins} bins. */
public record MutualInformationSpec(String estimator, int bins) {
}
