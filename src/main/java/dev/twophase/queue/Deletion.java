package dev.twophase.queue;

import java.util.List;
import java.util.UUID;

/**
 * What a delete did: removed the run(s), found nothing, or found runs a worker still holds. Those are
 * asked to stop (as a cancel does) and nothing is deleted; the delete passes once they have ended.
 */
public record Deletion(Outcome outcome, List<UUID> held) {

    public enum Outcome { DELETED, NOT_FOUND, HELD }

    public Deletion {
        held = List.copyOf(held);
    }

    public static Deletion deleted() {
        return new Deletion(Outcome.DELETED, List.of());
    }

    public static Deletion notFound() {
        return new Deletion(Outcome.NOT_FOUND, List.of());
    }

    public static Deletion held(List<UUID> held) {
        return new Deletion(Outcome.HELD, held);
    }
}
