package dev.twophase.queue;

import java.util.UUID;

/** A run this worker holds the lease of; (workerId, attempt) fences every later write. */
public record ClaimedRun(UUID runId, String workerId, int attempt, int maxAttempts, String specJson, long totalSteps) {
}
