package dev.twophase.measure;

import java.util.Objects;

/**
 * What the pairwise-kernel estimators ({@link KdeMutualInformation}, {@link RenyiMutualInformation})
 * share: the noise channel the representation is read through, the largest number of probe rows the
 * sums over i run over (a seeded subset when N is larger), and how the Gram products are computed.
 *
 * @param probes at least 1
 */
record ProbedChannel(NoiseChannel channel, int probes, long seed, GramProduct gram) {

    ProbedChannel {
        if (probes < 1) {
            throw new IllegalArgumentException("probes must be at least 1, was " + probes);
        }
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(gram, "gram");
    }

    /** The probe rows for N = {@code n} ({@link PairwiseDistances#probeRows}). */
    int[] probeRows(int n) {
        return PairwiseDistances.probeRows(n, probes, seed);
    }
}
