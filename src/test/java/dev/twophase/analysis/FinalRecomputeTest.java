package dev.twophase.analysis;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.twophase.phase.PhaseDetector;
import dev.twophase.phase.PhaseEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The run's final recompute goes through its ledger, against the real database: a run is fed
 * point by point through {@link PhaseRefresher#refresh} while it "trains", then finishes. Events the final
 * detection finds again take its step and interval ({@code final}); an event confirmed live that
 * the final detection no longer finds stays where it was confirmed ({@code live_only}).
 */
@QuarkusTest
class FinalRecomputeTest {

    private static final long EVERY = 50;
    private static final int POINTS = 60;

    @Inject
    PhaseRefresher refresher;
    @Inject
    PhaseService phases;
    @Inject
    PhaseEventStore store;
    @Inject
    DataSource dataSource;

    /** Fitted at 500, collapses for good at 1,500: the detection over all points has no fitting end. */
    private static double trainAccuracy(long step) {
        return step < 500 ? 0.3 : step < 1500 ? 1.0 : 0.2;
    }

    /** Rises linearly from 0 at 1,000 to 1 at 2,000: generalization onset and completion. */
    private static double testAccuracy(long step) {
        return Math.max(0.0, Math.min(1.0, (step - 1000) / 1000.0));
    }

    @Test
    void finalRecomputeRefinesWhatItFindsAgainAndKeepsWhatItDoesNot() throws SQLException {
        // External: the scheduled refresher leaves it alone until it has finished.
        UUID runId = UUID.fromString(given().contentType(ContentType.JSON)
                .body("{\"name\": \"final-recompute\", \"external\": true}").post("/api/v1/experiments")
                .then().statusCode(201).extract().path("runs[0].id"));
        Map<String, PhaseEvent> firstConfirmed = new HashMap<>();
        for (int i = 0; i < POINTS; i++) {
            long step = EVERY * i;
            given().contentType(ContentType.JSON).body("{\"points\": [{\"name\": \"train_acc\", \"step\": " + step
                            + ", \"value\": " + trainAccuracy(step) + "}, {\"name\": \"test_acc\", \"step\": " + step
                            + ", \"value\": " + testAccuracy(step) + "}]}")
                    .post("/api/v1/runs/" + runId + "/metrics").then().statusCode(200);
            List<PhaseEvent> confirmed = refresher.refresh(runId).orElseThrow().ledger().events();
            for (PhaseEvent e : confirmed) {
                assertThat(e.status()).as("%s after %d points", e.key(), i + 1).isEqualTo(PhaseEvent.LIVE);
                assertThat(e.intervalMethod()).startsWith("bootstrap");
                PhaseEvent first = firstConfirmed.putIfAbsent(e.key(), e);
                if (first != null) {
                    assertThat(e).as("%s after %d points", e.key(), i + 1).isEqualTo(first);
                }
            }
            assertThat(stored(runId)).containsExactlyInAnyOrderElementsOf(confirmed);
        }
        PhaseEvent fitted = firstConfirmed.get(PhaseEvent.FITTING_END + "|train_acc|0");
        assertThat(fitted).isNotNull();
        assertThat(fitted.step()).isEqualTo(500);
        assertThat(firstConfirmed).containsKeys(PhaseEvent.GENERALIZATION_ONSET + "|test_acc|0",
                PhaseEvent.GENERALIZATION_COMPLETE + "|test_acc|0");

        finish(runId);
        List<PhaseEvent> after = refresher.refresh(runId).orElseThrow().ledger().events();
        Map<String, PhaseEvent> byKey = after.stream().collect(Collectors.toMap(PhaseEvent::key, Function.identity()));
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(firstConfirmed.keySet());
        // Not found by the final detection: kept as confirmed, marked.
        assertThat(new PhaseDetector().detect(phases.inputs(runId)).events())
                .noneMatch(e -> e.kind().equals(PhaseEvent.FITTING_END));
        assertThat(byKey.get(fitted.key())).isEqualTo(fitted.withStatus(PhaseEvent.LIVE_ONLY));
        // Found again: the final detection's step, value and bootstrap interval.
        for (PhaseEvent found : new PhaseDetector().detect(phases.inputs(runId)).events()) {
            PhaseEvent e = byKey.get(found.key());
            assertThat(e.status()).as(found.key()).isEqualTo(PhaseEvent.FINAL);
            assertThat(e.step()).as(found.key()).isEqualTo(found.step());
            assertThat(e.value()).as(found.key()).isEqualTo(found.value());
            assertThat(e.intervalMethod()).startsWith("bootstrap");
            assertThat(e.parameters()).containsKeys("bootstrapReplicates", "bootstrapFound", "bootstrapCoverage");
        }
        assertThat(stored(runId)).containsExactlyInAnyOrderElementsOf(after);
        // Recomputing again (a second refresher, a reader of the phases) changes nothing.
        assertThat(refresher.refresh(runId).orElseThrow().ledger().events()).isEqualTo(after);
        assertThat(stored(runId)).containsExactlyInAnyOrderElementsOf(after);
        given().get("/api/v1/runs/" + runId + "/phases").then().statusCode(200)
                .body("complete", equalTo(true))
                .body("fitting.endStep", equalTo(null))
                .body("events.find { it.kind == 'fitting_end' }.status", equalTo("live_only"))
                .body("events.find { it.kind == 'fitting_end' }.step", equalTo(500))
                .body("events.find { it.kind == 'generalization_complete' }.status", equalTo("final"))
                .body("events.find { it.kind == 'generalization_complete' }.intervalMethod", startsWith("bootstrap"));
    }

    /** What a worker does when a run ends; an external run has no worker, so the test does it. */
    private void finish(UUID runId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE run SET state = 'succeeded', finished_at = now() WHERE id = ?")) {
            ps.setObject(1, runId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private List<PhaseEvent> stored(UUID runId) {
        return store.events(runId);
    }
}
