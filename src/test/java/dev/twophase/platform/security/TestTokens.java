package dev.twophase.platform.security;

/** The tokens the %test profile configures (application.properties holds only their SHA-256). */
public final class TestTokens {

    public static final String SUBMITTER = "test-submitter-token";
    public static final String READER = "test-reader-token";

    private TestTokens() {
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
