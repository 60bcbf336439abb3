package dev.twophase.metrics;

/** An upload would give a run more series (name, layer) than {@code twophase.limits.max-series-per-run}. */
public class SeriesLimitException extends RuntimeException {

    private final int existing;
    private final int limit;

    SeriesLimitException(int existing, int limit) {
        super("the run would have more than " + limit + " series (it has " + existing + "); this server's limit is "
                + limit + " per run (twophase.limits.max-series-per-run)");
        this.existing = existing;
        this.limit = limit;
    }

    public int existing() {
        return existing;
    }

    public int limit() {
        return limit;
    }
}
