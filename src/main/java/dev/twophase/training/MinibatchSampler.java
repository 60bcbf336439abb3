package dev.twophase.training;

import java.util.Arrays;
import java.util.Random;

/**
 * Which train pairs each optimiser step sees. A batch size >= the train split means full batch
 * (the same pairs, in dataset order, every step). Otherwise the train pairs are shuffled with a
 * seeded {@link Random} at the start of every epoch and cut into consecutive batches of exactly
 * {@code batchSize}; the remainder of an epoch that cannot fill a batch is skipped (it lands
 * elsewhere in the next shuffle), so every step has the same batch size ("drop last").
 */
final class MinibatchSampler {

    private final int[] train;
    private final int batchSize;
    private final Random random;
    private final int[] order;
    private int position;

    MinibatchSampler(int[] trainPairs, int batchSize, long seed) {
        if (trainPairs.length == 0 || batchSize < 1) {
            throw new IllegalArgumentException("need a non-empty train split and batchSize >= 1");
        }
        this.train = trainPairs.clone();
        this.batchSize = Math.min(batchSize, trainPairs.length);
        this.random = new Random(seed);
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
                int j = random.nextInt(i + 1);
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
}
