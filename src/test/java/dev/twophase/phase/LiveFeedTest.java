package dev.twophase.phase;

import static dev.twophase.phase.Synthetic.firstPoints;
import static dev.twophase.phase.Synthetic.piecewiseLinear;
import static dev.twophase.phase.Synthetic.sample;
import static dev.twophase.phase.Synthetic.withAccuracyNoise;
import static dev.twophase.phase.Synthetic.withNoise;
import static dev.twophase.phase.Synthetic.withRelativeNoise;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A run observed while it trains: the series are fed point by point and the detector runs after
 * every point, as the service does. The stateless detection of a prefix may lose an event for a
 * while (a noisy point lifts I(T;X) back within tol of its peak), so the ledger keeps every
 * confirmed one: it must only grow, never move an event, and hold no event confirmed early at a
 * place the planted curves contradict.
 */
class LiveFeedTest {

    private static final long EVERY = 100;

    @Test
    void confirmedEventsNeverFlickerAway() {
        Series train = withAccuracyNoise(sample(t -> t < 1000 ? 0.4 : 1.0, 0, 30000, EVERY), 0.05, 1);
        Series test = withAccuracyNoise(sample(piecewiseLinear(0, 0.01, 8000, 0.01, 10000, 1.0), 0, 30000, EVERY),
                0.05, 2);
        Series loss = withRelativeNoise(sample(piecewiseLinear(0, 3.0, 800, 1.0, 2600, 1.6, 5000, 0.3, 30000, 0.1),
                0, 30000, EVERY), 0.02, 3);
        Series mi = withNoise(sample(piecewiseLinear(0, 2, 3000, 8, 5000, 8, 20000, 3, 40000, 3), 0, 30000, EVERY),
                0.1, 4);
        PhaseDetector detector = new PhaseDetector();
        EventLedger ledger = new EventLedger(List.of());
        Map<String, PhaseEvent> firstSeen = new HashMap<>();
        int confirmedBefore = 0;
        for (int n = 1; n <= train.size(); n++) {
            Map<Integer, Series> layers = new TreeMap<>();
            layers.put(1, firstPoints(mi, n));
            PhaseReport report = detector.detect(PhaseInputs.of(firstPoints(train, n), firstPoints(test, n),
                    firstPoints(loss, n), layers));
            ledger.confirm(report.events());
            List<PhaseEvent> confirmed = ledger.events();
            // The ledger only grows, and every event keeps the step it was confirmed at.
            assertThat(confirmed.size()).as("after %d points", n).isGreaterThanOrEqualTo(confirmedBefore);
            confirmedBefore = confirmed.size();
            for (PhaseEvent e : confirmed) {
                PhaseEvent first = firstSeen.putIfAbsent(e.key(), e);
                if (first != null) {
                    assertThat(e.step()).as("%s after %d points", e.key(), n).isEqualTo(first.step());
                }
            }
        }
        // Confirmed early and never moved: still where the full run puts the planted events.
        Map<String, Long> steps = new HashMap<>();
        ledger.events().forEach(e -> steps.put(e.kind(), e.step()));
        assertThat(steps).containsKeys(PhaseEvent.FITTING_END, PhaseEvent.GENERALIZATION_ONSET,
                PhaseEvent.GENERALIZATION_COMPLETE, PhaseEvent.TEST_LOSS_FIRST_MINIMUM, PhaseEvent.TEST_LOSS_HUMP_PEAK,
                PhaseEvent.TEST_LOSS_SECOND_DESCENT, PhaseEvent.INFORMATION_PEAK, PhaseEvent.COMPRESSION_ONSET,
                PhaseEvent.COMPRESSION_END);
        assertThat(steps.get(PhaseEvent.FITTING_END)).isBetween(1000L, 1200L);
        assertThat(steps.get(PhaseEvent.GENERALIZATION_COMPLETE)).isBetween(9600L, 10200L);
        assertThat(steps.get(PhaseEvent.TEST_LOSS_FIRST_MINIMUM)).isBetween(600L, 1000L);
        assertThat(steps.get(PhaseEvent.TEST_LOSS_HUMP_PEAK)).isBetween(2200L, 3000L);
        assertThat(steps.get(PhaseEvent.COMPRESSION_ONSET)).isBetween(3000L, 7000L);
        assertThat(steps.get(PhaseEvent.COMPRESSION_END)).isBetween(18000L, 24000L);
    }
}
