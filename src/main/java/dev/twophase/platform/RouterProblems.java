package dev.twophase.platform;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Problem responses written on the Vert.x router, for refusals that happen before JAX-RS (and
 * {@link ProblemMappers}) see the request: authentication, an oversized body.
 */
public final class RouterProblems {

    private RouterProblems() {
    }

    /** Ends the response with an RFC 9457 body, unless something already ended it. */
    public static void write(RoutingContext context, int status, String title, String detail) {
        if (context.response().ended()) {
            return;
        }
        JsonObject body = new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                .put("detail", detail).put("instance", context.normalizedPath());
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body.encode());
    }
}
