package dev.twophase.queue;

import java.util.UUID;

/** A run to insert: queued for a worker of {@code device}, or external (logged from elsewhere). */
public record NewRun(UUID id, UUID experimentId, int ordinal, String specJson, boolean external, String device,
                     int priority, int maxAttempts, Long totalSteps) {
}
