package dev.twophase.experiment.spec;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Exactly one of {@code every} and {@code schedule} is set in a normalized spec.
 *
 * @param every               progress measures are taken every this many optimiser steps
 * @param schedule            or at log-spaced steps
 * @param mutualInformation   the MI estimators, the first one also writing {@code mi_tx}/{@code mi_ty}
 * @param localComplexity     null: not measured
 * @param linearMappingNumber null: not measured
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeasuresSpec(@Schema(minimum = "1", description = "fixed evaluation and progress-measure cadence in steps; default min(100, steps) for runs shorter than 10,000 steps (longer runs default to schedule)") Integer every,
                           MeasureScheduleSpec schedule,
                           @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                           @Schema(description = "one estimator object or a list of them; stored as a list. The first writes mi_tx/mi_ty (it must estimate I(T;X): not relative noise); default: one kde estimator on the unit sphere") List<MutualInformationSpec> mutualInformation,
                           LocalComplexitySpec localComplexity,
                           LinearMappingNumberSpec linearMappingNumber) {
}
