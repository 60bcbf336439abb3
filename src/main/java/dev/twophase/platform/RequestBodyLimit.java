package dev.twophase.platform;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Request bodies of the API are read here, before JAX-RS, up to {@code quarkus.http.limits.max-body-size};
 * JAX-RS then takes the body from the routing context. A larger body, announced by its Content-Length
 * or found while reading a chunked one, is a 413 problem and the connection is closed. (Left to
 * Quarkus, the first is a 413 with an empty body, the second an IOException inside JAX-RS that logs
 * two ERROR stack traces.)
 */
@ApplicationScoped
public class RequestBodyLimit {

    /** Just before Quarkus' own check (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT, -2). */
    static final int ORDER = -3;
    private static final int TOO_LARGE = 413;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    void install(@Observes Router router) {
        router.route("/api/*").order(ORDER)
                .method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH).method(HttpMethod.DELETE)
                .handler(BodyHandler.create(false).setBodyLimit(maxBodySize.asLongValue()))
                .handler(RequestBodyLimit::emptyBodyIsABody)
                .failureHandler(this::tooLarge);
    }

    /** JAX-RS reads the request itself when the context has no body, and would wait forever for an empty one. */
    private static void emptyBodyIsABody(RoutingContext context) {
        if (context.getBody() == null) {
            context.setBody(Buffer.buffer());
        }
        context.next();
    }

    private void tooLarge(RoutingContext context) {
        if (context.response().ended() || context.response().closed()) {
            // The 413 is out and the connection is closing: the body reader's late "connection was closed"
            // has nobody left to answer, and is not a server error.
            return;
        }
        if (context.statusCode() != TOO_LARGE) {
            context.next();
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        String detail = "the request body " + (length == null ? "is larger than" : "has " + length + " bytes, more than")
                + " this server's limit of " + maxBodySize.asLongValue() + " bytes (quarkus.http.limits.max-body-size)";
        // The client may still be sending the body nobody will read: close once the answer is out.
        context.response().putHeader(HttpHeaders.CONNECTION, "close")
                .endHandler(ended -> context.request().connection().close());
        RouterProblems.write(context, TOO_LARGE, "Content Too Large", detail);
    }
}
