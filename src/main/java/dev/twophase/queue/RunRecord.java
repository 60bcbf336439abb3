package dev.twophase.queue;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A run row as stored. */
public record RunRecord(UUID id, UUID experimentId, int ordinal, RunState state, String device, int priority,
                        int attempt, int maxAttempts, String workerId, long step, Long totalSteps,
                        Double stepsPerSecond, boolean cancelRequested, String error, OffsetDateTime createdAt,
                        OffsetDateTime startedAt, OffsetDateTime finishedAt, OffsetDateTime heartbeatAt,
                        OffsetDateTime leaseExpiresAt, String specJson) {
}
