package dev.twophase.metrics;

import java.util.UUID;

/** A write to a run that does not exist, or was deleted while the write waited for it. */
public class NoSuchRunException extends RuntimeException {

    NoSuchRunException(UUID runId) {
        super("no run " + runId);
    }
}
