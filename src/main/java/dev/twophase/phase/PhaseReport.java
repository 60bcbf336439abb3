package dev.twophase.phase;

import java.util.List;

/** Where the phases of one run are; an absent phase has null steps, never a guess. */
public record PhaseReport(Fitting fitting, Generalization generalization, TestLossShape testLoss,
        List<Compression> compression) {

    public PhaseReport {
        compression = List.copyOf(compression);
    }
}
