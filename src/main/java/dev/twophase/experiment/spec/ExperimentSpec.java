package dev.twophase.experiment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A validated, normalized experiment. For an external run (metrics pushed by the user, nothing
 * trained here) {@code task} to {@code resources} are null and are left out of the JSON.
 *
 * @param params free-form user metadata, kept as submitted; null when none was given
 * @param phases the phase rules' thresholds and smoothing for this run (always filled in, also for external runs)
 * @param tags labels for search, in the order given; empty when none (and then left out of the JSON)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "tags"})
@Schema(description = "An experiment spec; every field but name and task has a default, and the normalized spec is echoed back. Unknown fields are errors.")
public record ExperimentSpec(@Schema(required = true, maxLength = 200) String name,
                             @Schema(defaultValue = "false", description = "true: a run trained elsewhere that accepts metric uploads; only name and params allowed") boolean external,
                             @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT, implementation = java.util.Map.class, description = "Free-form metadata, kept as sent") ObjectNode params,
                             @Schema(description = "Required unless external") TaskSpec task,
                             ModelSpec model,
                             OptimizerSpec optimizer,
                             TrainingSpec training,
                             MeasuresSpec measures,
                             ResourcesSpec resources,
                             @Schema(description = "Parameters of the phase detection rules; defaults when absent") PhasesSpec phases,
                             @Schema(description = "Labels to find the experiment by (GET /api/v1/experiments?tag=): at most "
                                     + Tags.MAX_COUNT + " distinct strings of 1 to " + Tags.MAX_LENGTH
                                     + " characters, no control characters; default none", maxItems = Tags.MAX_COUNT)
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> tags) {

    /** A spec stored before tags existed, or echoed without them, reads back with none. */
    public ExperimentSpec {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
