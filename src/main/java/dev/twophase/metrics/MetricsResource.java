package dev.twophase.metrics;

import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.FieldError;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.RequestParameters;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.RunRepository;
import dev.twophase.queue.RunState;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/runs/{runId}/metrics")
@Tag(name = "metrics")
public class MetricsResource {

    static final String CSV = "text/csv";
    static final int DEFAULT_MAX_POINTS = 500;

    @Inject
    MetricStore store;
    @Inject
    MetricQuery metrics;
    @Inject
    TwophaseConfig config;
    @Inject
    RunRepository runs;

    /** Query result: each series downsampled to at most maxPoints points. */
    public record MetricsResponse(UUID runId, List<MetricSeries> series) {
    }

    /** Ingest result: points received and rows inserted or changed (0 for an identical re-send). */
    public record IngestResponse(UUID runId, int received, long written) {
    }

    /** Body of an upload, as in MLflow's log-batch. */
    public record MetricBatch(List<MetricPoint> points) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getRunMetrics", summary = "Query series of a run",
            description = "A step range holding more than maxPoints points is downsampled: its buckets are the aligned "
                    + "blocks of 2^k steps, k the smallest for which the steps from the range's first point to its last meet at "
                    + "most (maxPoints - 2) / 2 blocks; "
                    + "each bucket gives its lowest and highest point, and the first and last point of the range are "
                    + "kept. The cost depends on maxPoints, not on the length of the series. Send Accept: text/csv for CSV.")
    @APIResponse(responseCode = "200", description = "The series",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MetricsResponse.class)),
                    @Content(mediaType = CSV, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                            description = "name,layer,step,value rows"))})
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public MetricsResponse query(@Parameter(description = "Run id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId,
                                 @Parameter(description = "Series names (repeatable); all series when absent") @QueryParam("name") List<String> names,
                                 @Parameter(description = "Layer (0 = whole model); all layers when absent", schema = @Schema(type = SchemaType.INTEGER, format = "int32")) @QueryParam("layer") String layer,
                                 @Parameter(description = "First step, inclusive", schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @QueryParam("fromStep") String fromStep,
                                 @Parameter(description = "Last step, inclusive", schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @QueryParam("toStep") String toStep,
                                 @Parameter(description = "Most points per series, 4..twophase.limits.max-query-points, default 500; matching series x maxPoints may not exceed twophase.limits.max-response-points", schema = @Schema(type = SchemaType.INTEGER, format = "int32")) @QueryParam("maxPoints") String maxPoints) {
        UUID id = RequestParameters.uuid("runId", runId);
        requireRun(id);
        for (String name : names) {
            if (name == null || !MetricBatchParser.NAME.matcher(name).matches()) {
                throw ProblemException.invalidParameter("name", "not a series name: " + name);
            }
        }
        Long l = RequestParameters.optionalLong("layer", layer, 0, MetricBatchParser.MAX_LAYER);
        Long from = RequestParameters.optionalLong("fromStep", fromStep, 0, MetricBatchParser.MAX_STEP);
        Long to = RequestParameters.optionalLong("toStep", toStep, 0, MetricBatchParser.MAX_STEP);
        Long max = RequestParameters.optionalLong("maxPoints", maxPoints, 4, config.limits().maxQueryPoints());
        if (from != null && to != null && from > to) {
            throw ProblemException.invalidParameter("fromStep", "must not exceed toStep");
        }
        int perSeries = max == null ? DEFAULT_MAX_POINTS : max.intValue();
        Integer onlyLayer = l == null ? null : l.intValue();
        long series = metrics.seriesOf(id).stream().filter(s -> (names.isEmpty() || names.contains(s.name()))
                && (onlyLayer == null || onlyLayer == s.layer())).count();
        long budget = config.limits().maxResponsePoints();
        if (series * perSeries > budget) {
            throw ProblemException.invalidParameter("maxPoints", "this query could return up to " + series * perSeries
                    + " points (" + series + " series x maxPoints " + perSeries + "), more than this server's limit of "
                    + budget + " (twophase.limits.max-response-points); name fewer series or ask for fewer points");
        }
        return new MetricsResponse(id, metrics.query(id, names, onlyLayer,
                from == null ? 0 : from, to == null ? MetricBatchParser.MAX_STEP : to, perSeries));
    }

    @GET
    @Produces(CSV)
    @Operation(hidden = true)
    public String queryCsv(@PathParam("runId") String runId, @QueryParam("name") List<String> names,
                           @QueryParam("layer") String layer, @QueryParam("fromStep") String fromStep,
                           @QueryParam("toStep") String toStep, @QueryParam("maxPoints") String maxPoints) {
        MetricsResponse response = query(runId, names, layer, fromStep, toStep, maxPoints);
        StringBuilder csv = new StringBuilder("name,layer,step,value\n");
        for (MetricSeries s : response.series()) {
            for (double[] p : s.points()) {
                csv.append(s.name()).append(',').append(s.layer()).append(',').append((long) p[0]).append(',')
                        .append(String.format(Locale.ROOT, "%s", p[1])).append('\n');
            }
        }
        return csv.toString();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "uploadRunMetrics", summary = "Upload points of an external run",
            description = "Idempotent on (run, name, layer, step): re-sending the same points changes nothing; "
                    + "a new value for an existing key replaces it.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = MetricBatch.class)))
    @APIResponse(responseCode = "200", description = "Stored",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocumentation.CONFLICT)
    public IngestResponse ingest(@Parameter(description = "Run id of an external run", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId,
                                 String body) {
        UUID id = RequestParameters.uuid("runId", runId);
        String state = requireRun(id);
        MetricBatchParser.Parsed parsed = MetricBatchParser.parse(body,
                config.limits().maxPointsPerRequest());
        if (!parsed.errors().isEmpty()) {
            throw ProblemException.badRequest("the metric batch has problems", parsed.errors());
        }
        if (!"external".equals(state)) {
            throw ProblemException.conflict("run " + id + " is trained by twophase (" + state
                    + "); create an experiment with \"external\": true to upload points");
        }
        try {
            return new IngestResponse(id, parsed.points().size(),
                    store.write(id, parsed.points(), config.limits().maxSeriesPerRun()));
        } catch (NoSuchRunException e) {
            throw ProblemException.notFound(e.getMessage());
        } catch (SeriesLimitException e) {
            throw ProblemException.badRequest("the metric batch has problems", List.of(new FieldError("$.points", e.getMessage())));
        }
    }

    private String requireRun(UUID id) {
        return runs.state(id).map(RunState::dbName).orElseThrow(() -> ProblemException.notFound("no run " + id));
    }
}
