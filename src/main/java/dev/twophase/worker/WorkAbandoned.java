package dev.twophase.worker;

/**
 * Thrown between the chunks of a long evaluation or measurement pass when the attempt must end now
 * (its cancel was requested, its lease was lost, or the worker is stopping), so that neither waits for
 * the whole pass.
 */
final class WorkAbandoned extends RuntimeException {

    WorkAbandoned() {
        super(null, null, false, false);
    }
}
