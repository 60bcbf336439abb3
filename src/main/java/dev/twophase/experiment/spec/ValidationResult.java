package dev.twophase.experiment.spec;

import java.util.List;

/**
 * The outcome of {@link SpecValidator#validate}: either a normalized spec (every default filled)
 * and no violations, or no spec and every violation found.
 */
public record ValidationResult(ExperimentSpec spec, List<Violation> violations) {

    public ValidationResult {
        violations = List.copyOf(violations);
        if ((spec == null) == violations.isEmpty()) {
            throw new IllegalArgumentException("a result has a spec exactly when it has no violations");
        }
    }

    public boolean valid() {
        return violations.isEmpty();
    }
}
