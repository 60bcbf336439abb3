package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

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

    @Test
    void restoredStateContinuesTheSameSequenceOfBatches() {
        int[] train = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        MinibatchSampler original = new MinibatchSampler(train, 4, 5);
        for (int i = 0; i < 5; i++) { // mid-epoch, after two reshuffles
            original.next();
        }
        MinibatchSampler.State saved = original.state();
        MinibatchSampler resumed = new MinibatchSampler(train, 4, 99);
        resumed.restore(saved);
        for (int i = 0; i < 10; i++) {
            assertThat(resumed.next()).isEqualTo(original.next());
        }
        assertThatThrownBy(() -> new MinibatchSampler(new int[]{1, 2}, 1, 5).restore(saved))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
