package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
/** A decoder-only transformer over the three tokens {@code a, b, =}, read at the last position. */
public record ModelSpec(@Schema(enumeration = {"transformer"}, defaultValue = "transformer") String type,
                        @Schema(minimum = "1", defaultValue = "2") int layers,
                        @Schema(minimum = "1", defaultValue = "128", description = "divisible by heads") int dModel,
                        @Schema(minimum = "1", defaultValue = "4") int heads,
                        @Schema(minimum = "1", description = "default 4 * dModel") int dMlp,
                        @Schema(enumeration = {"gelu"}, defaultValue = "gelu") String activation) {

    /**
     * Trainable parameters for a task with {@code classes} outputs (operand tokens = classes):
     * token embedding (classes + 1 for "=") x d, 3 positions x d, per layer Q, K, V, O (4 d^2 + 4 d
     * biases) and the MLP (2 d dMlp + dMlp + d biases), then the unembedding d x classes.
     */
    public long parameterCount(int classes) {
        long d = dModel;
        long embedding = (classes + 1L) * d + 3 * d;
        long attention = 4 * d * d + 4 * d;
        long mlp = 2 * d * dMlp + dMlp + d;
        long unembedding = d * classes;
        return embedding + layers * (attention + mlp) + unembedding;
    }
}
