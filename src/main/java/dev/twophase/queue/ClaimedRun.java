package dev.twophase.queue;

import java.util.UUID;

/**
 * A run this worker holds the lease of; (workerId, attempt) fences every later write. {@code step} is the
 * run's step at the claim: its checkpoint's, where the attempt resumes, or 0.
 */
public record ClaimedRun(UUID runId, String workerId, int attempt, int maxAttempts, String specJson, long totalSteps,
                         long step) {
}
