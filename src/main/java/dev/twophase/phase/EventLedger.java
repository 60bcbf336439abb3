package dev.twophase.phase;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The confirmed events of a run. An event, once confirmed, stays: while later points arrive it
 * keeps the step it was confirmed at, even if a later detection would date it differently or not
 * at all, since a dashboard annotation must not flicker. When the run has ended the final
 * detection over all points {@linkplain #finish refines} the events it finds again and adds the
 * new ones; those it no longer finds stay, marked {@value PhaseEvent#LIVE_ONLY}.
 */
public final class EventLedger {

    private final Map<String, PhaseEvent> events = new LinkedHashMap<>();

    public EventLedger(List<PhaseEvent> confirmed) {
        confirmed.forEach(e -> events.putIfAbsent(e.key(), e));
    }

    /** The detected events not confirmed before, in the order given. */
    public List<PhaseEvent> unconfirmed(List<PhaseEvent> detected) {
        return detected.stream().filter(e -> !events.containsKey(e.key())).toList();
    }

    /** Adds the detected events not confirmed before, as {@value PhaseEvent#LIVE}; returns those added. */
    public List<PhaseEvent> confirm(List<PhaseEvent> detected) {
        List<PhaseEvent> added = new ArrayList<>();
        for (PhaseEvent e : unconfirmed(detected)) {
            PhaseEvent live = e.withStatus(PhaseEvent.LIVE);
            events.put(live.key(), live);
            added.add(live);
        }
        return added;
    }

    /**
     * The final detection of a finished run: every event it finds takes its step, interval and
     * value and becomes {@value PhaseEvent#FINAL}; a confirmed event it does not find stays as it
     * was, {@value PhaseEvent#LIVE_ONLY}. Returns every event whose row changed.
     */
    public List<PhaseEvent> finish(List<PhaseEvent> finalDetection) {
        Map<String, PhaseEvent> found = new LinkedHashMap<>();
        finalDetection.forEach(e -> found.putIfAbsent(e.key(), e.withStatus(PhaseEvent.FINAL)));
        List<PhaseEvent> changed = new ArrayList<>();
        for (Map.Entry<String, PhaseEvent> e : events.entrySet()) {
            if (!found.containsKey(e.getKey()) && !e.getValue().status().equals(PhaseEvent.LIVE_ONLY)) {
                PhaseEvent kept = e.getValue().withStatus(PhaseEvent.LIVE_ONLY);
                e.setValue(kept);
                changed.add(kept);
            }
        }
        for (PhaseEvent e : found.values()) {
            if (!e.equals(events.get(e.key()))) {
                events.put(e.key(), e);
                changed.add(e);
            }
        }
        return changed;
    }

    /** Every confirmed event, by step. */
    public List<PhaseEvent> events() {
        List<PhaseEvent> sorted = new ArrayList<>(events.values());
        sorted.sort(Comparator.comparingLong(PhaseEvent::step).thenComparing(PhaseEvent::key));
        return sorted;
    }
}
