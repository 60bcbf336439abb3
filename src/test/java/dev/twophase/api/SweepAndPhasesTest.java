package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Sweeps become runs of one experiment; phases are persisted live without flicker; alignment across runs. */
@QuarkusTest
class SweepAndPhasesTest {

    @Inject
    DataSource dataSource;

    private static Response submit(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/experiments");
    }

    private static String withSweep(String name, String sweep) {
        String spec = Specs.tiny(name, 30, 10).trim();
        return spec.substring(0, spec.length() - 1) + ", \"sweep\": " + sweep + "}";
    }

    @Test
    void badSweepsAre400sNamingTheEntry() {
        submit(withSweep("bad-sweep", "{\"optimizer.wd\": [1, 2], \"optimizer.weightDecay\": [0.3, 500],"
                + " \"name\": [\"a\"], \"training.seed\": []}"))
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.path", hasItem("$.sweep.name"))
                .body("errors.path", hasItem("$.sweep['training.seed']"));
        // Paths are fine, a value is not: named with its index.
        submit(withSweep("bad-value", "{\"optimizer.weightDecay\": [0.3, 500]}"))
                .then().statusCode(400)
                .body("errors.path", equalTo(List.of("$.sweep['optimizer.weightDecay'][1]")))
                .body("errors.message[0]", containsString("[0, 100]"));
        submit(withSweep("bad-unknown", "{\"optimizer.wd\": [1, 2]}"))
                .then().statusCode(400)
                .body("errors.path", equalTo(List.of("$.sweep['optimizer.wd']")))
                .body("errors.message[0]", containsString("unknown field"));
        submit(withSweep("too-many", "{\"training.seed\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],"
                + " \"optimizer.weightDecay\": [0.1, 0.2, 0.3, 0.4, 0.5]}"))
                .then().statusCode(400)
                .body("errors.path", equalTo(List.of("$.sweep")))
                .body("errors.message[0]", containsString("65 runs"));
        submit("{\"name\": \"ext\", \"external\": true, \"sweep\": {\"training.seed\": [1, 2]}}")
                .then().statusCode(400).body("errors.path", hasItem("$.sweep"));
    }

    @Test
    void aSweepTrainsOneRunPerCombinationAndIsAligned() {
        Response created = submit(withSweep("tiny-sweep", "{\"optimizer.weightDecay\": [0.5, 1.0]}"))
                .then().statusCode(201)
                .body("runs.size()", equalTo(2))
                .body("runs[0].ordinal", equalTo(0))
                .body("runs[1].ordinal", equalTo(1))
                .body("spec.sweep['optimizer.weightDecay'][1]", equalTo(1.0f))
                .extract().response();
        String experimentId = created.path("id");
        List<String> runIds = created.path("runs.id");
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> runIds.stream()
                .allMatch(id -> "succeeded".equals(given().get("/api/v1/runs/" + id).path("state"))));

        Response alignment = given().get("/api/v1/experiments/" + experimentId + "/alignment").then()
                .statusCode(200)
                .body("runs", equalTo(2))
                .body("completeRuns", equalTo(2))
                .body("statement", containsString("too few to conclude anything"))
                .body("perRun[0].sweepValues['optimizer.weightDecay']", equalTo(0.5f))
                .body("perRun[1].sweepValues['optimizer.weightDecay']", equalTo(1.0f))
                .extract().response();
        String plane = given().get("/api/v1/experiments/" + experimentId + "/information-plane.svg").then()
                .statusCode(200).contentType("image/svg+xml").extract().asString();
        try {
            assertThat(dev.twophase.phase.plot.PlotsTest.elements(dev.twophase.phase.plot.PlotsTest.parse(plane), "g",
                    "data-label")).extracting(e -> e.getAttribute("data-label"))
                    .containsExactly("run 0 layer 1", "run 1 layer 1");
        } catch (Exception e) {
            throw new AssertionError("information plane is not well-formed SVG: " + e.getMessage(), e);
        }
        List<Map<String, Object>> perRun = alignment.path("perRun");
        assertThat(perRun).extracting(r -> r.get("runId")).containsExactlyElementsOf(runIds);

        // Finished runs are recomputed once by the refresher, and their events stored for Grafana.
        await().atMost(Duration.ofSeconds(30)).until(() -> finalScans(runIds) == 2);
        for (String runId : runIds) {
            List<String> stored = storedKinds(UUID.fromString(runId));
            List<String> reported = given().get("/api/v1/runs/" + runId + "/phases").path("events.kind");
            assertThat(stored).containsExactlyInAnyOrderElementsOf(reported);
        }
    }

    @Test
    void confirmedEventsOfALiveRunStayWhenLaterPointsContradictThem() throws Exception {
        String runId = given().contentType(ContentType.JSON)
                .body("{\"name\": \"ext-live\", \"external\": true}").post("/api/v1/experiments")
                .then().statusCode(201).extract().path("runs[0].id");
        // Fitted at step 500 and held for 20 points; the upload moves the run's step, and the refresher (the
        // one writer of phase_event) confirms the event.
        ingest(runId, 0, 30, step -> step < 500 ? 0.3 : 1.0);
        given().get("/api/v1/runs/" + runId).then().statusCode(200).body("step", equalTo(1450));
        await().atMost(Duration.ofSeconds(30)).until(() -> storedKinds(UUID.fromString(runId)).contains("fitting_end"));
        given().get("/api/v1/runs/" + runId + "/phases").then().statusCode(200)
                .body("complete", equalTo(false))
                .body("fitting.endStep", equalTo(500))
                .body("events.kind", hasItem("fitting_end"))
                .body("events.find { it.kind == 'fitting_end' }.step", equalTo(500))
                .body("events.find { it.kind == 'fitting_end' }.metric", equalTo("train_acc"))
                .body("events.find { it.kind == 'fitting_end' }.parameters.threshold", equalTo(0.99f));
        // Then train accuracy collapses for good: the detection over all points has no fitting end,
        // but the confirmed event stays, in the report and in the table.
        ingest(runId, 30, 60, step -> 0.2);
        await().atMost(Duration.ofSeconds(30)).until(() -> scannedStep(UUID.fromString(runId)) == 2950);
        given().get("/api/v1/runs/" + runId + "/phases").then().statusCode(200)
                .body("fitting.endStep", nullValue())
                .body("events.find { it.kind == 'fitting_end' }.step", equalTo(500));
        assertThat(storedKinds(UUID.fromString(runId))).containsExactly("fitting_end");

        String svg = given().get("/api/v1/runs/" + runId + "/plot.svg").then().statusCode(200)
                .contentType("image/svg+xml").extract().asString();
        org.w3c.dom.Document doc = dev.twophase.phase.plot.PlotsTest.parse(svg);
        assertThat(dev.twophase.phase.plot.PlotsTest.elements(doc, "path", "data-series"))
                .extracting(e -> e.getAttribute("data-series")).contains("train_acc");
        assertThat(dev.twophase.phase.plot.PlotsTest.elements(doc, "line", "data-kind"))
                .extracting(e -> e.getAttribute("data-kind")).containsExactly("fitting_end");
        given().get("/api/v1/runs/" + UUID.randomUUID() + "/plot.svg").then().statusCode(404);
    }

    private static void ingest(String runId, int from, int to, java.util.function.LongToDoubleFunction value) {
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int i = from; i < to; i++) {
            long step = 50L * i;
            body.append(i > from ? "," : "").append("{\"name\": \"train_acc\", \"step\": ").append(step)
                    .append(", \"value\": ").append(value.applyAsDouble(step)).append('}');
        }
        given().contentType(ContentType.JSON).body(body.append("]}").toString())
                .post("/api/v1/runs/" + runId + "/metrics").then().statusCode(200);
    }

    private long scannedStep(UUID runId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT scanned_step FROM phase_scan WHERE run_id = ?")) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> storedKinds(UUID runId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT kind FROM phase_event WHERE run_id = ? ORDER BY kind")) {
            ps.setObject(1, runId);
            List<String> kinds = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kinds.add(rs.getString(1));
                }
            }
            return kinds;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int finalScans(List<String> runIds) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM phase_scan WHERE final AND run_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", runIds.stream().map(UUID::fromString).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
