package dev.twophase.analysis;

import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.RequestParameters;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An experiment's information plane as SVG: by default the first estimator's {@code mi_tx} /
 * {@code mi_ty}, or the estimator/representation series named by {@code series}.
 */
@Path("/api/v1/experiments/{id}/information-plane.svg")
@Tag(name = "phases")
public class InformationPlaneResource {

    private final InformationPlaneService plane;

    @Inject
    InformationPlaneResource(InformationPlaneService plane) {
        this.plane = plane;
    }

    @GET
    @Produces(PlotResource.SVG)
    @Operation(operationId = "getInformationPlane", summary = "I(T;Y) against I(T;X) per layer, one trajectory per run, points coloured by step",
            description = "series picks the I(T;X) series (repeat it to overlay several): mi_tx (the default, the "
                    + "first estimator) or mi_tx:<estimator>[:<representation>][:<inputs>] as the run writes it, e.g. "
                    + "mi_tx:kde_upper:mlp_hidden; it is paired with the mi_ty series of the same suffix. A name that "
                    + "is not an I(T;X) series, or that no run of the experiment records, is a 400 naming series.")
    @APIResponse(responseCode = "200", description = "SVG", content = @Content(mediaType = PlotResource.SVG,
            schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public String informationPlane(@Parameter(description = "Experiment id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
            @Parameter(description = "I(T;X) series to draw, e.g. mi_tx:kde_upper:mlp_hidden; repeatable; default mi_tx")
            @QueryParam("series") List<String> series) {
        return plane.render(RequestParameters.uuid("id", id), series);
    }
}
