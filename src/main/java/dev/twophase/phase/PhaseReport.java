package dev.twophase.phase;

import java.util.List;

/**
 * Where the phases of one run are; an absent phase has null steps, never a guess. {@code events}
 * lists every confirmed event with its interval, value, rule and parameters; the other fields
 * summarise the same findings per rule.
 */
public record PhaseReport(Fitting fitting, Generalization generalization, TestLossShape testLoss,
        List<Compression> compression, List<PhaseEvent> events) {

    public PhaseReport {
        compression = List.copyOf(compression);
        events = List.copyOf(events);
    }
}
