package dev.twophase.training;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class MinibatchSamplerTest {

    @Test
    void fullBatchWhenBatchCoversTheTrainSplit() {
        int[] train = {3, 5, 8};
        MinibatchSampler sampler = new MinibatchSampler(train, 512, 1);
        assertThat(sampler.fullBatch()).isTrue();
        assertThat(sampler.next()).containsExactly(3, 5, 8);
        assertThat(sampler.next()).containsExactly(3, 5, 8);
    }

    @Test
    void epochsVisitDistinctPairsAndAreSeeded() {
        int[] train = IntStream.range(0, 10).map(i -> i * 2).toArray();
        MinibatchSampler sampler = new MinibatchSampler(train, 3, 9);
        assertThat(sampler.fullBatch()).isFalse();
        Set<Integer> epoch = new HashSet<>();
        for (int i = 0; i < 3; i++) { // 3 batches of 3 per epoch, 1 pair left out
            int[] batch = sampler.next();
            assertThat(batch).hasSize(3);
            for (int pair : batch) {
                assertThat(epoch.add(pair)).isTrue();
                assertThat(pair % 2).isZero();
            }
        }
        assertThat(epoch).hasSize(9);

        MinibatchSampler same = new MinibatchSampler(train, 3, 9);
        MinibatchSampler other = new MinibatchSampler(train, 3, 10);
        MinibatchSampler again = new MinibatchSampler(train, 3, 9);
        boolean differs = false;
        for (int i = 0; i < 6; i++) {
            int[] a = same.next();
            assertThat(again.next()).isEqualTo(a);
            differs |= !java.util.Arrays.equals(other.next(), a);
        }
        assertThat(differs).isTrue();
    }
}
