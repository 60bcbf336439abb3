package dev.twophase.platform.security;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The roles of recently used stored tokens, keyed by hash, each kept for at most {@code ttl} nanoseconds
 * from before its lookup: a token revoked elsewhere stops working within {@code ttl}. Unknown tokens are
 * never kept (a new token works at once, and made-up tokens cannot fill the map). Pure: no JDBC, no Quarkus.
 */
final class TokenCache {

    private record Entry(ApiRole role, long expiresAt) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier clock;

    TokenCache(long ttlNanos, int maxEntries, LongSupplier clock) {
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** The cached role of {@code hash}, or the one {@code lookup} finds (kept when present). */
    Optional<ApiRole> roleOf(String hash, Function<String, Optional<ApiRole>> lookup) {
        long now = clock.getAsLong();
        Entry entry = entries.get(hash);
        if (entry != null && entry.expiresAt() - now > 0) {
            return Optional.of(entry.role());
        }
        Optional<ApiRole> role = lookup.apply(hash);
        if (role.isEmpty() || ttlNanos <= 0) {
            entries.remove(hash);
            return role;
        }
        if (entries.size() >= maxEntries) {
            long later = clock.getAsLong();
            entries.values().removeIf(e -> e.expiresAt() - later <= 0);
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(hash, new Entry(role.get(), now + ttlNanos));
        return role;
    }

    /** Forgets every token, e.g. after a revoke in this process. */
    void clear() {
        entries.clear();
    }
}
