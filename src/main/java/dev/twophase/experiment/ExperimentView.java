package dev.twophase.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twophase.experiment.spec.ExperimentSpec;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An experiment with its normalized spec (every default filled in) and its runs. */
@Schema(name = "Experiment")
public record ExperimentView(UUID id, String name,
                             @Schema(description = "The spec's tags") List<String> tags, boolean external,
                             @Schema(implementation = ExperimentSpec.class) JsonNode spec,
                             OffsetDateTime createdAt, List<RunView> runs) {
}
