package dev.twophase.platform.security;

import dev.twophase.platform.TwophaseConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * API tokens: the ones in configuration ({@code twophase.auth.tokens.<name>.sha256/role}) and the ones
 * in the {@code api_token} table (created and revoked with the CLI, see {@link TokenCommand}). Only
 * SHA-256 hashes are stored anywhere.
 */
@ApplicationScoped
public class ApiTokens {

    private static final String INSERT = "INSERT INTO api_token (id, name, role, token_hash) VALUES (?, ?, ?, ?)";
    private static final String ROLE_OF = "SELECT role FROM api_token WHERE token_hash = ? AND revoked_at IS NULL";
    private static final String REVOKE = "UPDATE api_token SET revoked_at = now() WHERE name = ? AND revoked_at IS NULL";
    private static final String LIST = "SELECT name, role, created_at, revoked_at FROM api_token ORDER BY created_at, name";
    private static final String ACTIVE = "SELECT count(*) FROM api_token WHERE revoked_at IS NULL";

    /** One stored token, without its secret. */
    public record TokenInfo(String name, ApiRole role, OffsetDateTime createdAt, OffsetDateTime revokedAt) {
    }

    /** Distinct tokens remembered at once; far more than any deployment has. */
    private static final int CACHED_TOKENS = 10_000;

    @Inject
    DataSource dataSource;
    @Inject
    TwophaseConfig config;

    private TokenCache cache;
    /** Database look-ups of presented tokens, for tests. */
    private final AtomicLong lookups = new AtomicLong();

    @PostConstruct
    void createCache() {
        cache = new TokenCache(config.auth().tokenCacheTtl().toNanos(), CACHED_TOKENS, System::nanoTime);
    }

    /** Stores a new token's hash and returns the token itself: the only time anyone sees it. */
    public String create(String name, ApiRole role) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("a token needs a name of 1 to 200 characters");
        }
        String token = TokenHash.newToken();
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, name);
                ps.setString(3, role.name());
                ps.setString(4, TokenHash.sha256(token));
                return ps.executeUpdate();
            }
        });
        return token;
    }

    /** Revokes every active token of that name; returns how many. Another process's cache forgets it within the TTL. */
    public int revoke(String name) {
        int revoked = run(c -> {
            try (PreparedStatement ps = c.prepareStatement(REVOKE)) {
                ps.setString(1, name);
                return ps.executeUpdate();
            }
        });
        cache.clear();
        return revoked;
    }

    public List<TokenInfo> list() {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement(LIST); ResultSet rs = ps.executeQuery()) {
                List<TokenInfo> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new TokenInfo(rs.getString(1), ApiRole.parse(rs.getString(2)),
                            rs.getObject(3, OffsetDateTime.class), rs.getObject(4, OffsetDateTime.class)));
                }
                return out;
            }
        });
    }

    /** Active tokens in the database plus tokens in configuration. */
    public long activeCount() {
        long stored = run(c -> {
            try (PreparedStatement ps = c.prepareStatement(ACTIVE); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        return stored + config.auth().tokens().size();
    }

    /**
     * The role of a presented token, or empty when it is unknown or revoked. Blocking (JDBC) when the token
     * was not looked up within {@code twophase.auth.token-cache-ttl}.
     */
    public Optional<ApiRole> roleOf(String presentedToken) {
        String hash = TokenHash.sha256(presentedToken);
        for (TwophaseConfig.Auth.Token configured : config.auth().tokens().values()) {
            if (configured.sha256().toLowerCase(Locale.ROOT).equals(hash)) {
                return Optional.of(ApiRole.parse(configured.role()));
            }
        }
        return cache.roleOf(hash, this::storedRole);
    }

    long lookups() {
        return lookups.get();
    }

    private Optional<ApiRole> storedRole(String hash) {
        lookups.incrementAndGet();
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement(ROLE_OF)) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(ApiRole.parse(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    private <T> T run(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("api_token: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
