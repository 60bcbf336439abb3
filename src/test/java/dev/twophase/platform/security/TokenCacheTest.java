package dev.twophase.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(42);
    private final AtomicInteger lookups = new AtomicInteger();
    private Optional<ApiRole> stored = Optional.of(ApiRole.submitter);
    private final Function<String, Optional<ApiRole>> lookup = hash -> {
        lookups.incrementAndGet();
        return stored;
    };

    @Test
    void aKnownTokenIsLookedUpOncePerTtl() {
        TokenCache cache = new TokenCache(SECOND, 100, now::get);
        for (int i = 0; i < 10; i++) {
            assertThat(cache.roleOf("a", lookup)).contains(ApiRole.submitter);
            now.addAndGet(SECOND / 20);
        }
        assertThat(lookups).hasValue(1);
    }

    @Test
    void aRevokedTokenFailsOnceItsEntryExpires() {
        TokenCache cache = new TokenCache(SECOND, 100, now::get);
        assertThat(cache.roleOf("a", lookup)).isPresent();
        stored = Optional.empty(); // revoked by another process
        now.addAndGet(SECOND - 1);
        assertThat(cache.roleOf("a", lookup)).as("still within the TTL").isPresent();
        now.addAndGet(1);
        assertThat(cache.roleOf("a", lookup)).isEmpty();
        assertThat(cache.roleOf("a", lookup)).isEmpty();
        assertThat(lookups).as("unknown tokens are looked up every time").hasValue(3);
    }

    @Test
    void unknownTokensAreNeverKeptAndANewTokenWorksAtOnce() {
        TokenCache cache = new TokenCache(SECOND, 100, now::get);
        stored = Optional.empty();
        assertThat(cache.roleOf("new", lookup)).isEmpty();
        stored = Optional.of(ApiRole.reader); // created meanwhile
        assertThat(cache.roleOf("new", lookup)).contains(ApiRole.reader);
    }

    @Test
    void clearForgetsEverythingAndTheMapStaysBounded() {
        TokenCache cache = new TokenCache(SECOND, 3, now::get);
        for (int i = 0; i < 10; i++) {
            cache.roleOf("t" + i, lookup);
        }
        assertThat(lookups).hasValue(10);
        cache.roleOf("t9", lookup);
        assertThat(lookups).as("the newest entry survived the bound").hasValue(10);
        cache.clear();
        cache.roleOf("t9", lookup);
        assertThat(lookups).hasValue(11);
    }

    @Test
    void aZeroTtlLooksUpEveryTime() {
        TokenCache cache = new TokenCache(0, 100, now::get);
        cache.roleOf("a", lookup);
        cache.roleOf("a", lookup);
        assertThat(lookups).hasValue(2);
    }
}
