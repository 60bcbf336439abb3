package dev.twophase.platform.security;

import dev.twophase.platform.ApiDocumentation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the caller's token may do, so a client (the web page) can show only the controls that work. */
@Path("/api/v1/whoami")
@Tag(name = ApiDocumentation.SERVICE_TAG)
@Produces(MediaType.APPLICATION_JSON)
public class WhoAmIResource {

    @Inject
    SecurityIdentity identity;

    /** The token's role and whether it may submit, cancel and upload. */
    public record Caller(@Schema(enumeration = {"reader", "submitter"}) String role,
                         @Schema(description = "true for submitters: may submit experiments, cancel runs and upload metrics") boolean canWrite) {
    }

    @GET
    @Operation(operationId = "whoAmI", summary = "The role of the token that calls")
    @APIResponse(responseCode = "200", description = "The caller's role",
            content = @Content(schema = @Schema(implementation = Caller.class)))
    @APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHORIZED)
    public Caller whoAmI() {
        boolean submitter = identity.hasRole(ApiRole.submitter.name());
        return new Caller(submitter ? ApiRole.submitter.name() : ApiRole.reader.name(), submitter);
    }
}
