package dev.twophase.experiment;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One page of experiments, newest first. It holds fewer than {@code limit} experiments when they would
 * pass {@code twophase.limits.max-page-bytes}; the next page starts at {@code nextOffset}.
 */
public record ExperimentPage(List<ExperimentView> experiments, int limit, int offset, long total,
                             @Schema(description = "offset of the next page (offset + experiments returned); absent on the last page")
                             Integer nextOffset) {
}
