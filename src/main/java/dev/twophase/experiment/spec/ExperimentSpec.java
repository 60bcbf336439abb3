package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated, normalized experiment. For an external run (metrics pushed by the user, nothing
 * trained here) {@code task} to {@code resources} are null and are left out of the JSON.
 *
 * @param params free-form user metadata, kept as submitted; null when none was given
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "An experiment spec; every field but name and task has a default, and the normalized spec is echoed back. Unknown fields are errors.")
public record ExperimentSpec(@Schema(required = true, maxLength = 200) String name,
                             @Schema(defaultValue = "false", description = "true: a run trained elsewhere that accepts metric uploads; only name and params allowed") boolean external,
                             @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT, implementation = java.util.Map.class, description = "Free-form metadata, kept as sent") ObjectNode params,
                             @Schema(description = "Required unless external") TaskSpec task,
                             ModelSpec model,
                             OptimizerSpec optimizer,
                             TrainingSpec training,
                             MeasuresSpec measures,
                             ResourcesSpec resources) {
}
