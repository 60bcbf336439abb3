package dev.twophase.phase;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ledger's final recompute: refine what is found again, keep (marked) what is not, add what is new. */
class EventLedgerTest {

    private static PhaseEvent event(String kind, long step, long low, long high) {
        return new PhaseEvent(kind, "mi_tx:kde_upper:mlp_hidden", 1, step, low, high, 5.0, "rule", Map.of("p", 1.0));
    }

    @Test
    void finishRefinesFoundEventsKeepsVanishedOnesAndAddsNewOnes() {
        EventLedger ledger = new EventLedger(List.of());
        PhaseEvent onset = event(PhaseEvent.COMPRESSION_ONSET, 1650, 1500, 1800);
        PhaseEvent end = event(PhaseEvent.COMPRESSION_END, 1950, 1900, 2200);
        assertThat(ledger.confirm(List.of(onset, end))).extracting(PhaseEvent::status)
                .containsOnly(PhaseEvent.LIVE);
        // A live detection that dates them differently changes nothing.
        assertThat(ledger.confirm(List.of(event(PhaseEvent.COMPRESSION_ONSET, 2000, 1900, 2100)))).isEmpty();

        PhaseEvent refinedOnset = event(PhaseEvent.COMPRESSION_ONSET, 1700, 1600, 1850);
        PhaseEvent peak = event(PhaseEvent.INFORMATION_PEAK, 1600, 1550, 1650);
        List<PhaseEvent> changed = ledger.finish(List.of(refinedOnset, peak));
        assertThat(changed).containsExactlyInAnyOrder(refinedOnset.withStatus(PhaseEvent.FINAL),
                peak.withStatus(PhaseEvent.FINAL), end.withStatus(PhaseEvent.LIVE_ONLY));
        assertThat(ledger.events()).containsExactly(peak.withStatus(PhaseEvent.FINAL),
                refinedOnset.withStatus(PhaseEvent.FINAL), end.withStatus(PhaseEvent.LIVE_ONLY));
        // A second final recompute with the same detection changes nothing.
        assertThat(ledger.finish(List.of(refinedOnset, peak))).isEmpty();
        // A ledger read back from storage behaves the same.
        assertThat(new EventLedger(ledger.events()).finish(List.of(refinedOnset, peak))).isEmpty();
    }

    @Test
    void anEventFoundOnlyByALaterFinalDetectionIsFinalAgain() {
        EventLedger ledger = new EventLedger(List.of(event(PhaseEvent.COMPRESSION_END, 1950, 1900, 2200)
                .withStatus(PhaseEvent.LIVE_ONLY)));
        PhaseEvent again = event(PhaseEvent.COMPRESSION_END, 2000, 1950, 2100);
        assertThat(ledger.finish(List.of(again))).containsExactly(again.withStatus(PhaseEvent.FINAL));
    }
}
