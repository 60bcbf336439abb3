package dev.twophase.phase;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The confirmed events of a run in progress. An event, once confirmed, stays as it was confirmed
 * while later points arrive, even if a later detection would date it differently or not at all:
 * a dashboard annotation must not flicker. Only the final detection, when the run has ended,
 * replaces the ledger ({@link #replaceAll}).
 */
public final class EventLedger {

    private final Map<String, PhaseEvent> events = new LinkedHashMap<>();

    public EventLedger(List<PhaseEvent> confirmed) {
        confirmed.forEach(e -> events.putIfAbsent(e.key(), e));
    }

    /** Adds the detected events not confirmed before; returns those added. */
    public List<PhaseEvent> confirm(List<PhaseEvent> detected) {
        List<PhaseEvent> added = new ArrayList<>();
        for (PhaseEvent e : detected) {
            if (events.putIfAbsent(e.key(), e) == null) {
                added.add(e);
            }
        }
        return added;
    }

    /** The final detection of a finished run. */
    public void replaceAll(List<PhaseEvent> detected) {
        events.clear();
        confirm(detected);
    }

    /** Every confirmed event, by step. */
    public List<PhaseEvent> events() {
        List<PhaseEvent> sorted = new ArrayList<>(events.values());
        sorted.sort(Comparator.comparingLong(PhaseEvent::step).thenComparing(PhaseEvent::key));
        return sorted;
    }
}
