package dev.twophase.training;

/**
 * What a forward pass from points of the embedding space returns, for the measures that probe the
 * model's continuous input space (local complexity, linear mapping number).
 *
 * @param mlpPreActivations {@code [block][point][positions·dMlp]}: each block's MLP pre-activations
 *                          (the GeLU inputs) at every position, concatenated position-major
 * @param logits            {@code [point][classes]} at the last position
 */
public record EmbeddedForward(float[][][] mlpPreActivations, float[][] logits) {
}
