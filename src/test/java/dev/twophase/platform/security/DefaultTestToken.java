package dev.twophase.platform.security;

import java.util.Arrays;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test through META-INF/services (extension autodetection is on: pom.xml, surefire): RestAssured
 * requests without an Authorization header carry the submitter test token, so API tests need no
 * per-test changes. A class annotated {@link WithoutDefaultToken} (the authentication tests) opts out.
 *
 * <p>A {@code @QuarkusTest} class lives in Quarkus' class loader with its own copy of RestAssured, so
 * the filter is switched through the test class's loader, not this extension's.
 */
public class DefaultTestToken implements BeforeAllCallback, BeforeEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        apply(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        apply(context);
    }

    private static void apply(ExtensionContext context) throws Exception {
        Class<?> test = context.getRequiredTestClass();
        // by name: the annotation, too, may come from the other class loader
        boolean enabled = Arrays.stream(test.getAnnotations())
                .noneMatch(a -> a.annotationType().getName().equals(WithoutDefaultToken.class.getName()));
        Class<?> filter = Class.forName(TokenFilter.class.getName(), true, test.getClassLoader());
        filter.getMethod("apply", boolean.class).invoke(null, enabled);
    }
}
