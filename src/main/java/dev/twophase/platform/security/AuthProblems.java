package dev.twophase.platform.security;

import dev.twophase.platform.RouterProblems;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * 401 and 403 leave the service as application/problem+json like every other client error. The
 * HTTP permission checks run before JAX-RS, so their failures are answered here, on the router.
 */
@ApplicationScoped
public class AuthProblems {

    void failures(@Observes Router router) {
        router.route("/api/*").order(-1000).failureHandler(this::onFailure);
    }

    private void onFailure(RoutingContext context) {
        Throwable failure = context.failure();
        if (failure instanceof ForbiddenException) {
            write(context, 403, "Forbidden", "this token's role may not " + context.request().method() + " here");
        } else if (failure instanceof UnauthorizedException || failure instanceof AuthenticationFailedException) {
            write(context, 401, "Unauthorized", "unknown or revoked token");
        } else {
            context.next();
        }
    }

    static void write(RoutingContext context, int status, String title, String detail) {
        if (status == 401 && !context.response().ended()) {
            context.response().putHeader("WWW-Authenticate", "Bearer realm=\"twophase\"");
        }
        RouterProblems.write(context, status, title, detail);
    }
}
