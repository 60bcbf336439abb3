package dev.twophase.training;

/** Which hidden representation T of a block the progress measures read. */
public enum Representation {
    /** The residual stream after the block, at the last position ("="): {@code dModel} wide. The paper's T. */
    RESIDUAL_LAST,
    /** The block's MLP hidden activations (after GeLU) at the last position: {@code dMlp} wide. */
    MLP_HIDDEN,
    /** The residual stream after the block at every position, concatenated position-major: {@code positions·dModel} wide. */
    RESIDUAL_ALL,
    /**
     * The block's attention probabilities of the last position's query over positions a, b and "=", per head
     * ({@code heads·3} wide, head-major): bounded in [0, 1], each head's three summing to 1.
     */
    ATTENTION_LAST
}
