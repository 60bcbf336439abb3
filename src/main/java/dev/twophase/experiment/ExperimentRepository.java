package dev.twophase.experiment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** SQL for the experiment table. */
@ApplicationScoped
public class ExperimentRepository {

    record ExperimentRow(UUID id, String name, boolean external, String specJson, OffsetDateTime createdAt) {
    }

    private static final String COLUMNS = "e.id, e.name, e.external, e.spec::text, e.created_at";

    /** A run as the API shows it, beside its error text: ids, state, counters and timestamps (about 700 bytes). */
    static final int RUN_VIEW_BYTES = 1_000;

    // The JSON size of each experiment of a page, estimated from its stored text and its runs.
    private static final String PAGE_SIZES = "SELECT e.id, octet_length(e.spec::text) + octet_length(e.name) + 200"
            + " + (SELECT coalesce(sum(" + RUN_VIEW_BYTES + " + octet_length(coalesce(r.error, ''))), 0)"
            + " FROM run r WHERE r.experiment_id = e.id) FROM experiment e ";

    private final DataSource dataSource;

    @Inject
    public ExperimentRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void insert(Connection c, UUID id, String name, boolean external, String specJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO experiment (id, name, external, spec) VALUES (?, ?, ?, ?::jsonb)")) {
            ps.setObject(1, id);
            ps.setString(2, name);
            ps.setBoolean(3, external);
            ps.setString(4, specJson);
            ps.executeUpdate();
        }
    }

    /** Locks the experiment's row until the caller's transaction ends; false when there is none. */
    boolean lock(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM experiment WHERE id = ? FOR UPDATE")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Deletes the experiment; its runs, and everything of theirs, go with it (ON DELETE CASCADE). */
    void delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM experiment WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
    }

    Optional<ExperimentRow> find(UUID id) {
        return query("SELECT " + COLUMNS + " FROM experiment e WHERE e.id = ?", ps -> ps.setObject(1, id))
                .stream().findFirst();
    }

    boolean existsByName(String name) {
        return !query("SELECT " + COLUMNS + " FROM experiment e WHERE e.name = ? LIMIT 1", ps -> ps.setString(1, name))
                .isEmpty();
    }

    /**
     * A search's WHERE clause; each part is skipped when its parameter is null. The name is matched as a
     * substring with LIKE's wildcards escaped; tags live in the spec (a JSON array), so the tag is a jsonb
     * containment test (a scan: experiments number in the thousands, not millions); the state asks whether
     * any run of the experiment is in it (index run_experiment).
     */
    private static final String FILTER = """
            WHERE (CAST(? AS text) IS NULL OR e.name ILIKE '%' || replace(replace(replace(?, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')
              AND (CAST(? AS text) IS NULL OR e.spec -> 'tags' @> jsonb_build_array(CAST(? AS text)))
              AND (CAST(? AS text) IS NULL OR EXISTS (SELECT 1 FROM run r WHERE r.experiment_id = e.id AND r.state = ?))
            """;

    /**
     * The experiments matching the filter, newest first, cut where their JSON would pass {@code maxBytes} (but
     * never empty): the sizes are summed in SQL first, so an oversized page is never read into memory.
     */
    List<ExperimentRow> page(ExperimentFilter filter, int limit, int offset, long maxBytes) {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PAGE_SIZES + FILTER
                + " ORDER BY e.created_at DESC, e.id LIMIT ? OFFSET ?")) {
            int next = bindFilter(ps, filter);
            ps.setInt(next, limit);
            ps.setInt(next + 1, offset);
            long total = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    total += rs.getLong(2);
                    if (!ids.isEmpty() && total > maxBytes) {
                        break;
                    }
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading experiments failed: " + e.getMessage(), e);
        }
        return query("SELECT " + COLUMNS + " FROM experiment e WHERE e.id = ANY(?) ORDER BY e.created_at DESC, e.id",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("uuid", ids.toArray())));
    }

    long count(ExperimentFilter filter) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM experiment e " + FILTER)) {
            bindFilter(ps, filter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("counting experiments failed: " + e.getMessage(), e);
        }
    }

    /** Binds the filter's six parameters; returns the index of the next one. */
    private static int bindFilter(PreparedStatement ps, ExperimentFilter filter) throws SQLException {
        String state = filter.state() == null ? null : filter.state().dbName();
        String[] values = {filter.name(), filter.name(), filter.tag(), filter.tag(), state, state};
        for (int i = 0; i < values.length; i++) {
            ps.setString(i + 1, values[i]);
        }
        return values.length + 1;
    }

    private List<ExperimentRow> query(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<ExperimentRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ExperimentRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3),
                            rs.getString(4), rs.getObject(5, OffsetDateTime.class)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("reading experiments failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}
