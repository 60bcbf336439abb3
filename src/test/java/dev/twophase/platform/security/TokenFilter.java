package dev.twophase.platform.security;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Adds the submitter test token to RestAssured requests that carry no Authorization header, while
 * enabled (see {@link DefaultTestToken}). A filter rather than a default request specification:
 * Quarkus' test support saves and restores the specification around each test but leaves filters alone.
 */
public final class TokenFilter implements Filter {

    private static volatile boolean enabled;
    private static boolean installed;

    public static synchronized void apply(boolean enable) {
        if (!installed) {
            RestAssured.filters(new TokenFilter());
            installed = true;
        }
        enabled = enable;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                           FilterContext context) {
        if (enabled && !request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", TestTokens.bearer(TestTokens.SUBMITTER));
        }
        return context.next(request, response);
    }
}
