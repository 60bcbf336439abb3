package dev.twophase.analysis;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.twophase.phase.plot.PlotsTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** {@code ?series=} picks which estimator/representation's I(T;X) and I(T;Y) the information plane draws. */
@QuarkusTest
class InformationPlaneSeriesTest {

    private static final String KDE_HIDDEN = "mi_tx:kde_upper:mlp_hidden";

    @Test
    void theRequestedSeriesAreDrawnAndUnknownOnesAre400sNamingTheParameter() throws Exception {
        String experiment = given().contentType(ContentType.JSON)
                .body("{\"name\": \"plane-series\", \"external\": true}").post("/api/v1/experiments")
                .then().statusCode(201).extract().path("id");
        String runId = given().get("/api/v1/experiments/" + experiment).then().statusCode(200)
                .extract().path("runs[0].id");
        // Default series in layer 1 rising to 8 bits; the MLP-hidden kde series in layers 1 and 2 to 5 bits.
        StringBuilder points = new StringBuilder("{\"points\": [");
        for (int i = 0; i < 10; i++) {
            long step = 100L * i;
            points.append(i > 0 ? "," : "").append(point("mi_tx", 1, step, 0.8 * i)).append(',')
                    .append(point("mi_ty", 1, step, 0.1 * i));
            for (int layer = 1; layer <= 2; layer++) {
                points.append(',').append(point(KDE_HIDDEN, layer, step, 0.5 * i)).append(',')
                        .append(point("mi_ty:kde_upper:mlp_hidden", layer, step, 0.05 * i * layer));
            }
        }
        given().contentType(ContentType.JSON).body(points.append("]}").toString())
                .post("/api/v1/runs/" + runId + "/metrics").then().statusCode(200);
        String plane = "/api/v1/experiments/" + experiment + "/information-plane.svg";

        Document defaults = PlotsTest.parse(given().get(plane).then().statusCode(200).extract().asString());
        assertThat(labels(defaults)).containsExactly("run 0 layer 1");

        Document hidden = PlotsTest.parse(given().queryParam("series", KDE_HIDDEN).get(plane).then().statusCode(200)
                .contentType("image/svg+xml").extract().asString());
        assertThat(labels(hidden)).containsExactly("run 0 layer 1 " + KDE_HIDDEN, "run 0 layer 2 " + KDE_HIDDEN);
        // Each trajectory has its 10 points, and they are the kde series' (x spans 0..4.5 bits, not 0..7.2).
        assertThat(PlotsTest.elements(hidden, "circle", "data-step")).hasSize(20);
        assertThat(hidden.getDocumentElement().getTextContent()).contains("4.5").doesNotContain("7.2");

        Document both = PlotsTest.parse(given().queryParam("series", "mi_tx", KDE_HIDDEN).get(plane).then()
                .statusCode(200).extract().asString());
        assertThat(labels(both)).containsExactly("run 0 layer 1 mi_tx", "run 0 layer 1 " + KDE_HIDDEN,
                "run 0 layer 2 " + KDE_HIDDEN);

        given().queryParam("series", "mi_tx:binning").get(plane).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].path", equalTo("series"))
                .body("errors[0].message", containsString("no run of experiment"))
                .body("errors[0].message", containsString(KDE_HIDDEN));
        given().queryParam("series", "test_acc").get(plane).then().statusCode(400)
                .body("errors[0].path", equalTo("series"))
                .body("errors[0].message", containsString("not an I(T;X) series"));
    }

    private static String point(String name, int layer, long step, double value) {
        return "{\"name\": \"" + name + "\", \"layer\": " + layer + ", \"step\": " + step + ", \"value\": " + value + "}";
    }

    private static List<String> labels(Document svg) {
        return PlotsTest.elements(svg, "g", "data-label").stream().map(e -> e.getAttribute("data-label")).toList();
    }
}
