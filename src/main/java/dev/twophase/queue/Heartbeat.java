package dev.twophase.queue;

/** What a heartbeat learned: keep going, stop because a user cancelled, or stop because the lease is gone. */
public enum Heartbeat {
    OWNED, CANCEL_REQUESTED, LEASE_LOST
}
