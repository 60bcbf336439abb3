package dev.twophase.phase;

import static dev.twophase.phase.Synthetic.piecewiseLinear;
import static dev.twophase.phase.Synthetic.sample;
import static dev.twophase.phase.Synthetic.until;
import static dev.twophase.phase.Synthetic.withNoise;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

class InformationCompressionTest {

    private static final long EVERY = 250;
    private static final double NOISE_BITS = 0.05;

    /** Layer 0: I(T;X) rises to 8 bits at 3000, compresses to 3 bits at 20000, then holds. */
    private static final LongToDoubleFunction LAYER_0 = piecewiseLinear(0, 2, 3000, 8, 20000, 3, 30000, 3);
    /** Layer 1 peaks earlier and settles sooner: 5 bits at 2500 down to 2 bits at 12000. */
    private static final LongToDoubleFunction LAYER_1 = piecewiseLinear(0, 1, 2500, 5, 12000, 2, 30000, 2);

    private static List<Compression> compression(Series layer0, Series layer1) {
        SortedMap<Integer, Series> layers = new TreeMap<>();
        layers.put(0, layer0);
        layers.put(1, layer1);
        return new PhaseDetector().detect(PhaseInputs.of(null, null, null, layers)).compression();
    }

    private static Compression compressionOf(Series series) {
        return compression(series, Series.empty()).get(0);
    }

    @Test
    void findsPlantedPeakOnsetAndEndPerLayer() {
        List<Compression> layers = compression(sample(LAYER_0, 0, 30000, EVERY), sample(LAYER_1, 0, 30000, EVERY));

        assertPlanted(layers.get(0), 0, LAYER_0, 3000, 20000);
        assertPlanted(layers.get(1), 1, LAYER_1, 2500, 12000);
        // Smoothed values: the median flattens the sharp top by two points of the decline (0.15 bits).
        assertThat(layers.get(0).peakValue()).isCloseTo(8.0, within(0.2));
        assertThat(layers.get(0).endValue()).isCloseTo(3.0, within(0.3));
        assertThat(layers.get(0).metric()).isEqualTo("mi_tx");
    }

    @Test
    void findsThemUnderNoise() {
        for (long seed = 1; seed <= 20; seed++) {
            List<Compression> layers = compression(withNoise(sample(LAYER_0, 0, 30000, EVERY), NOISE_BITS, seed),
                    withNoise(sample(LAYER_1, 0, 30000, EVERY), NOISE_BITS, 1000 + seed));

            assertPlanted(layers.get(0), 0, LAYER_0, 3000, 20000);
            assertPlanted(layers.get(1), 1, LAYER_1, 2500, 12000);
        }
    }

    /**
     * The peak within 2 intervals of the planted one. The onset is where the segmentation's first
     * falling line starts: at the sharp planted peak, so at or after the detected peak and within
     * 2 intervals of the planted one. The end is the first point near the floor on the first level
     * line after the decline: within 0.6 bits of the floor and no more than 8 intervals after the
     * planted corner.
     */
    private static void assertPlanted(Compression c, int layer, LongToDoubleFunction planted, long peak, long end) {
        double floor = planted.applyAsDouble(end);
        assertThat(c.layer()).isEqualTo(layer);
        assertThat(c.peakStep()).as("layer %d peak", layer).isCloseTo(peak, within(2 * EVERY));
        assertThat(c.onsetStep()).as("layer %d onset", layer).isGreaterThanOrEqualTo(c.peakStep())
                .isCloseTo(peak, within(2 * EVERY));
        assertThat(planted.applyAsDouble(c.endStep()) - floor).as("layer %d height above floor at end", layer)
                .isLessThanOrEqualTo(0.6);
        assertThat(c.endStep()).as("layer %d end", layer).isLessThanOrEqualTo(end + 8 * EVERY);
    }

    @Test
    void risingOrFlatInformationHasNoCompression() {
        LongToDoubleFunction rising = t -> 2 + t / 5000.0;
        LongToDoubleFunction risingThenFlat = piecewiseLinear(0, 2, 5000, 6, 30000, 6);

        assertNoCompression(compressionOf(sample(rising, 0, 30000, EVERY)));
        assertNoCompression(compressionOf(sample(risingThenFlat, 0, 30000, EVERY)));
        for (long seed = 1; seed <= 20; seed++) {
            assertNoCompression(compressionOf(withNoise(sample(rising, 0, 30000, EVERY), NOISE_BITS, seed)));
            assertNoCompression(compressionOf(withNoise(sample(risingThenFlat, 0, 30000, EVERY), NOISE_BITS, seed)));
        }
    }

    @Test
    void noiseAroundAConstantHasNoCompression() {
        for (long seed = 1; seed <= 20; seed++) {
            assertNoCompression(compressionOf(withNoise(sample(t -> 5.0, 0, 30000, EVERY), NOISE_BITS, seed)));
        }
    }

    @Test
    void aDeclineStillUnderWayHasAnOnsetButNoEnd() {
        Compression c = compressionOf(until(sample(LAYER_0, 0, 30000, EVERY), 10000));

        assertThat(c.peakStep()).isEqualTo(3000L);
        assertThat(c.onsetStep()).isNotNull();
        assertThat(c.endStep()).isNull();
        assertThat(c.endValue()).isNull();
    }

    @Test
    void reportsEveryLayerInOrderEvenWithoutData() {
        SortedMap<Integer, Series> layers = new TreeMap<>();
        layers.put(3, Series.empty());
        layers.put(1, sample(LAYER_1, 0, 30000, EVERY));
        List<Compression> compression = new PhaseDetector().detect(PhaseInputs.of(null, null, null, layers))
                .compression();

        assertThat(compression).extracting(Compression::layer).containsExactly(1, 3);
        assertNoCompression(compression.get(1));
        assertThat(compression.get(1).rule()).contains("peak").contains("onset").contains("end");
    }

    /**
     * A series that falls while the network fits (the relative-noise clustering index on a real run,
     * docs/measures.md), drifts up to 3,000 and declines from there to 12,000. Its peak is the interior
     * maximum at 3,000, found from the series alone: train accuracy (fitted at 1,000) plays no part, so the
     * fall from initialisation is never taken for compression, with or without it.
     */
    @Test
    void compressionStartsFromAnInteriorMaximumWhateverTheAccuracies() {
        LongToDoubleFunction relative = piecewiseLinear(0, 8, 1000, 6, 3000, 6.5, 12000, 4, 30000, 4);
        LongToDoubleFunction trainAccuracy = piecewiseLinear(0, 0.05, 1000, 1.0, 30000, 1.0);
        for (long seed = 1; seed <= 10; seed++) {
            Series mi = withNoise(sample(relative, 0, 30000, EVERY), 0.02, seed);
            Series train = sample(trainAccuracy, 0, 30000, EVERY);
            for (Compression c : List.of(detect(train, mi), compressionOf(mi))) {
                assertThat(c.peakStep()).as("seed %d peak", seed).isCloseTo(3000L, within(3 * EVERY));
                assertThat(c.onsetStep()).as("seed %d onset", seed).isGreaterThanOrEqualTo(c.peakStep())
                        .isCloseTo(3000L, within(3 * EVERY));
                assertThat(c.endStep()).as("seed %d end", seed).isBetween(11000L, 12000L + 8 * EVERY);
                assertThat(c.status()).isEqualTo(Compression.COMPRESSED);
            }
        }
    }

    /** A series that only falls has no interior maximum: status no_rise, no peak invented at the fitting end. */
    @Test
    void aSeriesThatOnlyFallsHasNoRise() {
        LongToDoubleFunction falling = piecewiseLinear(0, 8, 1000, 6, 12000, 4, 30000, 4);
        LongToDoubleFunction trainAccuracy = piecewiseLinear(0, 0.05, 1000, 1.0, 30000, 1.0);
        for (long seed = 1; seed <= 10; seed++) {
            Compression c = detect(sample(trainAccuracy, 0, 30000, EVERY),
                    withNoise(sample(falling, 0, 30000, EVERY), 0.02, seed));

            assertNoCompression(c);
            assertThat(c.status()).as("seed %d", seed).isEqualTo(Compression.NO_RISE);
        }
        // Rising, and not yet fallen back: no peak yet.
        Compression rising = compressionOf(sample(piecewiseLinear(0, 2, 3000, 8, 30000, 8), 0, 30000, EVERY));
        assertNoCompression(rising);
        assertThat(rising.status()).isEqualTo(Compression.RISING);
    }

    private static Compression detect(Series trainAccuracy, Series mi) {
        SortedMap<Integer, Series> layers = new TreeMap<>();
        layers.put(1, mi);
        return new PhaseDetector().detect(PhaseInputs.of(trainAccuracy, null, null, layers)).compression().get(0);
    }

    private static void assertNoCompression(Compression c) {
        assertThat(c.peakStep()).isNull();
        assertThat(c.onsetStep()).isNull();
        assertThat(c.endStep()).isNull();
        assertThat(c.peakValue()).isNull();
        assertThat(c.endValue()).isNull();
        assertThat(c.metric()).isEqualTo("mi_tx");
    }
}
