package dev.twophase.phase.web;

import dev.twophase.metrics.FullSeries;
import dev.twophase.metrics.MetricNames;
import dev.twophase.metrics.MetricQuery;
import dev.twophase.metrics.MetricStore;
import dev.twophase.phase.Compression;
import dev.twophase.phase.Fitting;
import dev.twophase.phase.Generalization;
import dev.twophase.phase.PhaseDetector;
import dev.twophase.phase.PhaseInputs;
import dev.twophase.phase.PhaseReport;
import dev.twophase.phase.Series;
import dev.twophase.phase.TestLossShape;
import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.RequestParameters;
import dev.twophase.queue.RunState;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/** HTTP adapter of the pure phase detector: reads a run's series and reports its phases so far. */
@Path("/api/v1/runs/{runId}/phases")
@Tag(name = "phases")
@Produces(MediaType.APPLICATION_JSON)
public class PhaseResource {

    private static final PhaseDetector DETECTOR = new PhaseDetector();

    @Inject
    MetricStore store;
    @Inject
    MetricQuery metrics;

    /** The report: complete is false while the run may still add points. */
    @Schema(name = "PhaseReport")
    public record RunPhases(UUID runId, String state, boolean complete, Fitting fitting,
                            Generalization generalization, TestLossShape testLoss, List<Compression> compression) {
    }

    @GET
    @Operation(summary = "Phases of learning detected in the points present so far",
            description = "Fitting end, generalization, test-loss double descent and per-layer I(T;X) compression; "
                    + "every field names the metric, threshold and rule behind it; absent phases are null.")
    @APIResponse(responseCode = "200", description = "The report",
            content = @Content(schema = @Schema(implementation = RunPhases.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public RunPhases phases(@Parameter(description = "Run id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId) {
        UUID id = RequestParameters.uuid("runId", runId);
        String state = store.runState(id).orElseThrow(() -> ProblemException.notFound("no run " + id));
        Map<String, List<FullSeries>> read = metrics.readFull(id, List.of(MetricNames.TRAIN_ACC,
                MetricNames.TEST_ACC, MetricNames.TEST_LOSS, MetricNames.MI_TX));
        SortedMap<Integer, Series> mi = new TreeMap<>();
        read.get(MetricNames.MI_TX).forEach(s -> mi.put(s.layer(), Series.of(s.steps(), s.values())));
        PhaseReport report = DETECTOR.detect(PhaseInputs.of(wholeModel(read.get(MetricNames.TRAIN_ACC)),
                wholeModel(read.get(MetricNames.TEST_ACC)), wholeModel(read.get(MetricNames.TEST_LOSS)), mi));
        boolean complete = RunState.fromDb(state).terminal();
        return new RunPhases(id, state, complete, report.fitting(), report.generalization(), report.testLoss(),
                report.compression());
    }

    private static Series wholeModel(List<FullSeries> layers) {
        return layers.stream()
                .filter(s -> s.layer() == MetricNames.WHOLE_MODEL)
                .findFirst()
                .map(s -> Series.of(s.steps(), s.values()))
                .orElse(Series.empty());
    }
}
