package dev.twophase.queue;

import dev.twophase.platform.ApiDocumentation;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/queue")
@Tag(name = "queue")
@Produces(MediaType.APPLICATION_JSON)
public class QueueResource {

    @Inject
    RunQueue queue;

    /** Run counts by state and device, and totals by state. */
    public record QueueSummary(List<QueueCount> counts, Map<String, Long> byState) {
    }

    @GET
    @Operation(operationId = "getQueue", summary = "Run counts by state and device class")
    @APIResponse(responseCode = "200", description = "Counts; states without runs are absent")
    @APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHORIZED)
    public QueueSummary summary() {
        List<QueueCount> counts = queue.counts();
        Map<String, Long> byState = new TreeMap<>();
        counts.forEach(c -> byState.merge(c.state(), c.count(), Long::sum));
        return new QueueSummary(counts, byState);
    }
}
