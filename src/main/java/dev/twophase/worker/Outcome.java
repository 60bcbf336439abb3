package dev.twophase.worker;

/**
 * How an attempt's training ended, before anything is written about it; {@link RunExecutor} turns
 * each into the run's one state change.
 *
 * @param step  the last completed step
 * @param cause what failed (FAILED), or why the database could not be reached (UNREACHABLE)
 */
record Outcome(Kind kind, long step, Exception cause) {

    enum Kind {
        /** Every step done: finish as succeeded. */
        COMPLETED,
        /** A cancel was requested: finish as cancelled. */
        CANCEL_REQUESTED,
        /** The worker is stopping after a whole step: checkpoint it, then release. */
        STOPPED,
        /** The worker is stopping mid-measurement: release without a checkpoint (the step is incomplete). */
        STOPPED_MID_PASS,
        /** Another attempt holds the run now: write nothing. */
        LEASE_LOST,
        /** The database did not answer before a stopping worker had to give up: the lease will expire. */
        UNREACHABLE,
        /** Training threw: fail the attempt (retried or failed for good). */
        FAILED
    }

    static Outcome of(Kind kind, long step) {
        return new Outcome(kind, step, null);
    }
}
