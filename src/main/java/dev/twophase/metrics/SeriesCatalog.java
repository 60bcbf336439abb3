package dev.twophase.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Every series a run has, with its size and the spec parameters behind it. */
@ApplicationScoped
public class SeriesCatalog {

    // A shift-40 rollup cell covers every step (migrations/V8): it holds each series' size and ends.
    private static final String SERIES = """
            SELECT s.name, s.layer, r.n, r.first_step, r.last_step
              FROM metric_series s JOIN metric_rollup r ON r.series_id = s.id AND r.shift = 40 AND r.cell = 0
             WHERE s.run_id = ? ORDER BY s.name, s.layer""";

    /**
     * One series.
     *
     * @param parameters the measure's parameters from the run's stored spec; null when the spec does not describe it
     */
    public record SeriesInfo(String name, int layer, long points, long firstStep, long lastStep,
                             @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT, implementation = java.util.Map.class, nullable = true,
                                     description = "the measure's parameters from the stored spec") ObjectNode parameters) {
    }

    private final DataSource dataSource;
    private final ObjectMapper json;

    @Inject
    public SeriesCatalog(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** Empty when there is no such run. */
    public Optional<List<SeriesInfo>> list(UUID runId) {
        try (Connection c = dataSource.getConnection()) {
            Map<String, ObjectNode> parameters;
            try (PreparedStatement ps = c.prepareStatement("SELECT spec::text FROM run WHERE id = ?")) {
                ps.setObject(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    parameters = SeriesParameters.of(parse(rs.getString(1)));
                }
            }
            List<SeriesInfo> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SERIES)) {
                ps.setObject(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(1);
                        out.add(new SeriesInfo(name, rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                                parameters.get(name)));
                    }
                }
            }
            return Optional.of(out);
        } catch (SQLException e) {
            throw new MetricStoreException("listing the series of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    private JsonNode parse(String spec) {
        try {
            return json.readTree(spec);
        } catch (IOException e) {
            throw new IllegalStateException("stored spec is not JSON", e);
        }
    }
}
