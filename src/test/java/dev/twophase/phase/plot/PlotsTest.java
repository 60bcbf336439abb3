package dev.twophase.phase.plot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twophase.phase.PhaseEvent;
import dev.twophase.phase.Series;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class PlotsTest {

    public static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    public static List<Element> elements(Document doc, String tag, String attribute) {
        NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (attribute == null || e.hasAttribute(attribute)) {
                found.add(e);
            }
        }
        return found;
    }

    @Test
    void runPlotHasOnePathPerSeriesAndOneMarkerPerEventOnALogAxis() throws Exception {
        Series acc = Series.of(new long[] {0, 10, 100, 1000}, new double[] {0.1, 0.5, 1.0, 1.0});
        Map<String, Series> accuracy = new LinkedHashMap<>();
        accuracy.put("train_acc", acc);
        accuracy.put("test_acc <&>", Series.of(new long[] {0, 10, 100, 1000}, new double[] {0.0, 0.1, 0.2, 0.9}));
        PhaseEvent fitted = new PhaseEvent(PhaseEvent.FITTING_END, "train_acc", 0, 100, 10, 100, 1.0, "rule", Map.of());
        String svg = RunPlot.render("a run", List.of(new RunPlot.Panel("accuracy", accuracy, List.of(fitted)),
                new RunPlot.Panel("empty", Map.of(), List.of())));
        Document doc = parse(svg);

        List<Element> series = elements(doc, "path", "data-series");
        assertThat(series).extracting(e -> e.getAttribute("data-series")).containsExactly("train_acc", "test_acc <&>");
        // 4 points each: M + 3 L.
        assertThat(series.get(0).getAttribute("d").split("L")).hasSize(4);
        List<Element> events = elements(doc, "line", "data-kind");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getAttribute("data-kind")).isEqualTo("fitting_end");
        // Step 100 on an axis to 1e4 (log10(1001) rounds up to 4): at log10(101) / 4 of the plot width (580 px).
        double x = Double.parseDouble(events.get(0).getAttribute("x1"));
        assertThat(x).isBetween(60 + 580 * Math.log10(101) / 4 - 0.1, 60 + 580 * Math.log10(101) / 4 + 0.1);
        assertThat(elements(doc, "g", "data-title")).hasSize(2);
    }

    @Test
    void informationPlaneHasOneTrajectoryPerRunLayerWithPointsColouredByStep() throws Exception {
        Series tx = Series.of(new long[] {0, 100, 1000, 10000}, new double[] {2, 6, 8, 3});
        Series ty = Series.of(new long[] {0, 100, 1000, 10000}, new double[] {0.1, 1, 2, 3});
        Series txOnlyTwoShared = Series.of(new long[] {0, 50, 100}, new double[] {1, 2, 3});
        String svg = InformationPlanePlot.render("plane", List.of(new InformationPlanePlot.Trajectory("run 0 layer 1", tx, ty),
                new InformationPlanePlot.Trajectory("run 1 layer 1", txOnlyTwoShared, ty)));
        Document doc = parse(svg);

        assertThat(elements(doc, "g", "data-label")).extracting(e -> e.getAttribute("data-label"))
                .containsExactly("run 0 layer 1", "run 1 layer 1");
        List<Element> points = elements(doc, "circle", "data-step");
        // Points exist only at steps both series have: 4 + 2.
        assertThat(points).hasSize(6);
        assertThat(points.get(0).getAttribute("fill")).isEqualTo(InformationPlanePlot.stepColour(0));
        assertThat(points.get(3).getAttribute("fill")).isEqualTo(InformationPlanePlot.stepColour(1));
        assertThat(InformationPlanePlot.stepColour(0)).isEqualTo("#440154");
        assertThat(InformationPlanePlot.stepColour(1)).isEqualTo("#fde725");
    }

    /** Every label ends inside the picture (by the same generous width estimate the layout uses). */
    @Test
    void longLegendsAndEventLabelsStayInsideThePicture() throws Exception {
        Series mi = Series.of(new long[] {0, 100, 1000, 2000, 4000}, new double[] {2, 6, 8, 5, 4});
        Map<String, Series> information = new LinkedHashMap<>();
        for (String estimator : List.of("mi_tx", "mi_tx:kde_upper:mlp_hidden", "mi_tx:kde_lower:mlp_hidden:test")) {
            for (int layer = 1; layer <= 6; layer++) {
                information.put(estimator + " layer " + layer, mi);
            }
        }
        PhaseEvent late = new PhaseEvent(PhaseEvent.COMPRESSION_END, "mi_tx:kde_upper:mlp_hidden", 1, 4000, 2000,
                4000, 4.0, "rule", Map.of());
        Document run = parse(RunPlot.render("run", List.of(new RunPlot.Panel("I(T;X) (bits)", information,
                List.of(late)))));
        assertInside(run);
        Element label = elements(run, "text", "class").stream()
                .filter(e -> e.getAttribute("class").equals("event-label")).findFirst().orElseThrow();
        assertThat(label.getAttribute("text-anchor")).as("a label at the right edge runs leftwards").isEqualTo("end");

        List<InformationPlanePlot.Trajectory> trajectories = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            trajectories.add(new InformationPlanePlot.Trajectory("run " + k + " layer 2 mi_tx:kde_upper:mlp_hidden", mi, mi));
        }
        assertInside(parse(InformationPlanePlot.render("plane", trajectories)));
    }

    private static void assertInside(Document doc) {
        double width = Double.parseDouble(doc.getDocumentElement().getAttribute("width"));
        double height = Double.parseDouble(doc.getDocumentElement().getAttribute("height"));
        for (Element text : elements(doc, "text", null)) {
            if (text.hasAttribute("transform")) {
                continue;
            }
            double x = Double.parseDouble(text.getAttribute("x"));
            double y = Double.parseDouble(text.getAttribute("y"));
            double size = text.hasAttribute("font-size") ? Double.parseDouble(text.getAttribute("font-size")) : Svg.FONT_SIZE;
            double w = Svg.textWidth(text.getTextContent(), size);
            double left = switch (text.getAttribute("text-anchor")) {
                case "end" -> x - w;
                case "middle" -> x - w / 2;
                default -> x;
            };
            assertThat(left).as("left end of %s", text.getTextContent()).isGreaterThanOrEqualTo(0);
            assertThat(left + w).as("right end of %s", text.getTextContent()).isLessThanOrEqualTo(width);
            assertThat(y).as("baseline of %s", text.getTextContent()).isBetween(size, height);
        }
    }

    @Test
    void anEmptyPlaneSaysSo() throws Exception {
        Document doc = parse(InformationPlanePlot.render("none", List.of()));
        assertThat(doc.getDocumentElement().getTextContent()).contains("no run has both I(T;X) and I(T;Y) series");
    }
}
