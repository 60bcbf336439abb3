package dev.twophase.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NeuronsReachingTheLogitsTest {

    @Test
    void theLastBlockKeepsOnlyTheLastPositionsNeurons() {
        // Two blocks, dMlp 2, positions a, b, = concatenated: values name their position (1, 2, 3) and neuron.
        float[][][] pre = {
                {{1.1f, 1.2f, 2.1f, 2.2f, 3.1f, 3.2f}},
                {{-1.1f, -1.2f, -2.1f, -2.2f, -3.1f, -3.2f}}};

        float[][][] reaching = MeasurementPass.neuronsReachingTheLogits(pre);

        // Block 1's neurons at a and b feed block 2's attention at "=": all of them count.
        assertThat(reaching[0][0]).containsExactly(1.1f, 1.2f, 2.1f, 2.2f, 3.1f, 3.2f);
        // Block 2's neurons at a and b feed residual streams nothing reads.
        assertThat(reaching[1][0]).containsExactly(-3.1f, -3.2f);
    }
}
