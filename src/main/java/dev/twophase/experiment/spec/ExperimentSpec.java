package dev.twophase.experiment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated, normalized experiment. For an external run (metrics pushed by the user, nothing
 * trained here) {@code task} to {@code resources} are null and are left out of the JSON.
 *
 * @param params free-form user metadata, kept as submitted; null when none was given
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentSpec(String name, boolean external, ObjectNode params,
                             TaskSpec task, ModelSpec model, OptimizerSpec optimizer, TrainingSpec training,
                             MeasuresSpec measures, ResourcesSpec resources) {
}
