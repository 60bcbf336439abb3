package dev.twophase.experiment;

import dev.twophase.queue.RunRecord;
import dev.twophase.queue.RunState;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A run as the API shows it, with progress and an estimate of when it will finish. */
@Schema(name = "Run")
public record RunView(UUID id, UUID experimentId, int ordinal, RunState state, String device, int priority,
                      @Schema(description = "Steps trained so far; for an external run, the last step uploaded") long step, Long totalSteps,
                      @Schema(description = "step / totalSteps") Double progress,
                      @Schema(description = "Measured over the last heartbeat interval") Double stepsPerSecond,
                      @Schema(description = "Seconds left at the current speed") Double etaSeconds,
                      @Schema(description = "Estimated finish time at the current speed") OffsetDateTime eta,
                      int attempt, int maxAttempts, String worker, boolean cancelRequested, String error,
                      OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                      OffsetDateTime heartbeatAt) {

    static RunView of(RunRecord r) {
        Double progress = r.totalSteps() == null || r.totalSteps() == 0 ? null : (double) r.step() / r.totalSteps();
        Double etaSeconds = null;
        OffsetDateTime eta = null;
        if (r.state() == RunState.RUNNING && r.totalSteps() != null && r.stepsPerSecond() != null
                && r.stepsPerSecond() > 0) {
            etaSeconds = (r.totalSteps() - r.step()) / r.stepsPerSecond();
            eta = OffsetDateTime.now().plusNanos((long) (etaSeconds * 1e9));
        }
        return new RunView(r.id(), r.experimentId(), r.ordinal(), r.state(), r.device(), r.priority(), r.step(),
                r.totalSteps(), progress, r.stepsPerSecond(), etaSeconds, eta, r.attempt(), r.maxAttempts(),
                r.workerId(), r.cancelRequested(), r.error(), r.createdAt(), r.startedAt(), r.finishedAt(),
                r.heartbeatAt());
    }
}
