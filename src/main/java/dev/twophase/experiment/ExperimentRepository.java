package dev.twophase.experiment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for the experiment table. */
@ApplicationScoped
public class ExperimentRepository {

    record ExperimentRow(UUID id, String name, boolean external, String specJson, OffsetDateTime createdAt) {
    }

    private static final String COLUMNS = "id, name, external, spec::text, created_at";

    @Inject
    DataSource dataSource;

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

    Optional<ExperimentRow> find(UUID id) {
        return query("SELECT " + COLUMNS + " FROM experiment WHERE id = ?", ps -> ps.setObject(1, id))
                .stream().findFirst();
    }

    boolean existsByName(String name) {
        return !query("SELECT " + COLUMNS + " FROM experiment WHERE name = ? LIMIT 1", ps -> ps.setString(1, name))
                .isEmpty();
    }

    List<ExperimentRow> page(int limit, int offset) {
        return query("SELECT " + COLUMNS + " FROM experiment ORDER BY created_at DESC, id LIMIT ? OFFSET ?", ps -> {
            ps.setInt(1, limit);
            ps.setInt(2, offset);
        });
    }

    long count() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM experiment");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("counting experiments failed: " + e.getMessage(), e);
        }
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
