package dev.twophase.platform;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.servers.Server;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The error responses every endpoint shares, declared once and referenced by name
 * ({@code @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)}).
 */
@OpenAPIDefinition(
        info = @Info(title = "twophase API", version = "0.1.0",
                description = "Learning-dynamics experiments: submit specs, follow runs, query metrics, detect the two phases of learning.",
                license = @License(name = "Apache-2.0", identifier = "Apache-2.0")),
        // Relative: the service that serves this document, wherever it runs (README's start command: http://localhost:8080).
        servers = @Server(url = "/", description = "The service that serves this document"),
        tags = {
                @Tag(name = "experiments", description = "Submit experiment specs (one run, or a sweep of runs) and find them again by name, tag or state"),
                @Tag(name = "runs", description = "Follow a run: state, progress, speed and ETA; cancel or delete it"),
                @Tag(name = "metrics", description = "The recorded series of a run: query them (JSON or CSV), list them, upload an external run's points"),
                @Tag(name = "phases", description = "The phases of learning: a run's detected events, its plot, and the alignment and information plane across an experiment's runs"),
                @Tag(name = "queue", description = "How many runs wait and train, by device class"),
                @Tag(name = ApiDocumentation.SERVICE_TAG, description = "About the caller and the service: the token's role, the bundled example specs")},
        // Every /api operation needs a bearer token: role reader for GET, submitter for the rest (README, "Tokens and roles").
        security = @SecurityRequirement(name = ApiDocumentation.BEARER),
        components = @Components(securitySchemes = @SecurityScheme(securitySchemeName = ApiDocumentation.BEARER,
                type = SecuritySchemeType.HTTP, scheme = "bearer",
                description = "An API token: 'Authorization: Bearer <token>'. 401 without a valid one, 403 when its role may not do this."),
                responses = {
                @APIResponse(name = ApiDocumentation.BAD_REQUEST,
                        description = "Malformed or invalid input; errors name every offending field or parameter",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = ApiDocumentation.UNAUTHORIZED, description = "No token, or an unknown or revoked one",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = ApiDocumentation.FORBIDDEN, description = "The token's role may not do this (a reader token on a write)",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = ApiDocumentation.STILL_RUNNING,
                        description = "A worker still holds the run (or a run of the experiment): it has been asked to stop, "
                                + "and nothing was deleted. Retry after Retry-After seconds, once the run has ended.",
                        headers = @Header(name = "Retry-After", description = "Seconds to wait before retrying",
                                schema = @Schema(type = SchemaType.INTEGER, format = "int32")),
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = ApiDocumentation.NOT_FOUND, description = "No such experiment or run",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = ApiDocumentation.CONFLICT,
                        description = "The run's state does not allow this (already ended, external, or trained here)",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))}))
public class ApiDocumentation extends Application {

    public static final String BAD_REQUEST = "BadRequest";
    public static final String NOT_FOUND = "NotFound";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String SERVICE_TAG = "service";
    public static final String CONFLICT = "Conflict";
    public static final String FORBIDDEN = "Forbidden";
    public static final String STILL_RUNNING = "StillRunning";
    public static final String BEARER = "bearer";
}
