package dev.twophase.worker;

/** This worker no longer holds the run's lease: it must stop without writing anything more. */
final class LeaseLostException extends Exception {
    LeaseLostException() {
        super("lease lost", null, false, false);
    }
}
