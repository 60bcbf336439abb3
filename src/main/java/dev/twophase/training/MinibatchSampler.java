package dev.twophase.training;

import java.util.Arrays;

/**
 * Which train pairs each optimiser step sees. A batch size >= the train split means full batch
 * (the same pairs, in dataset order, every step). Otherwise the train pairs are shuffled with a
 * seeded {@link Random} at the start of every epoch and cut into consecutive batches of exactly
 * {@code batchSize}; the remainder of an epoch that cannot fill a batch is skipped (it lands
 * elsewhere in the next shuffle), so every step has the same batch size ("drop last").
 *
 * <p>The shuffle draws from a SplitMix64 generator (not {@link java.util.Random}) so that the whole
 * sampler state — generator, epoch order, position — can be saved in a checkpoint and restored.
 */
final class MinibatchSampler {

    private final int[] train;
    private final int batchSize;
    private long rng;
    private final int[] order;
    private int position;

    /** Everything needed to continue the same sequence of batches. */
    record State(long rng, int[] order, int position) {
    }

    MinibatchSampler(int[] trainPairs, int batchSize, long seed) {
        if (trainPairs.length == 0 || batchSize < 1) {
            throw new IllegalArgumentException("need a non-empty train split and batchSize >= 1");
        }
        this.train = trainPairs.clone();
        this.batchSize = Math.min(batchSize, trainPairs.length);
        this.rng = seed;
        this.order = trainPairs.clone();
        this.position = order.length; // forces a shuffle on the first call
    }

    boolean fullBatch() {
        return batchSize == train.length;
    }

    /** Pair indices of the next batch (a fresh array). */
    int[] next() {
        if (fullBatch()) {
            return train.clone();
        }
        if (position + batchSize > order.length) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = (int) Math.floorMod(nextLong(), (long) (i + 1));
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            position = 0;
        }
        int[] batch = Arrays.copyOfRange(order, position, position + batchSize);
        position += batchSize;
        return batch;
    }

    State state() {
        return new State(rng, order.clone(), position);
    }

    void restore(State state) {
        if (state.order().length != order.length) {
            throw new IllegalArgumentException("sampler state is for " + state.order().length + " train pairs, not " + order.length);
        }
        rng = state.rng();
        System.arraycopy(state.order(), 0, order, 0, order.length);
        position = state.position();
    }

    /** SplitMix64 (Steele, Lea, Flood 2014). */
    private long nextLong() {
        long z = (rng += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
