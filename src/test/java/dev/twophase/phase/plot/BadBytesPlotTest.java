package dev.twophase.phase.plot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twophase.phase.Series;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Pictures stay well-formed and finite whatever a run holds (issue 18, item 9): names with control
 * characters or half surrogate pairs (stored before names were checked, or from any future path), and
 * values at the ends of the double range.
 */
class BadBytesPlotTest {

    private static final String NASTY = "run \u0000 \u0007 \u001b[31m \ud800 <b>&'\" \uffff end";

    @Test
    void controlCharactersAndUnpairedSurrogatesNeverMakeMalformedXml() throws Exception {
        Series s = Series.of(new long[] {0, 10, 100}, new double[] {0.1, 0.5, 0.9});
        String plane = InformationPlanePlot.render("information plane of " + NASTY,
                List.of(new InformationPlanePlot.Trajectory(NASTY, s, s)));
        Map<String, Series> series = new LinkedHashMap<>();
        series.put(NASTY, s);
        String run = RunPlot.render(NASTY, List.of(new RunPlot.Panel(NASTY, series, List.of())));

        for (String svg : List.of(plane, run)) {
            Document doc = PlotsTest.parse(svg);
            assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
            assertThat(svg).doesNotContain("\u0000", "\u0007", "\u001b", "<b>").contains("&lt;b&gt;&amp;&#39;&quot;");
        }
    }

    @Test
    void valuesAtTheEndsOfTheDoubleRangeArePlottedAtFinitePositions() throws Exception {
        double max = Double.MAX_VALUE;
        Series extreme = Series.of(new long[] {1, 2, 3, 1_000_000_000_000L}, new double[] {-max, max, 0, max});
        Series constant = Series.of(new long[] {1, 2}, new double[] {-max, -max});
        Map<String, Series> series = new LinkedHashMap<>();
        series.put("extreme", extreme);
        series.put("constant", constant);
        String run = RunPlot.render("extremes", List.of(new RunPlot.Panel("p", series, List.of()),
                new RunPlot.Panel("q", Map.of("constant", constant), List.of())));
        String plane = InformationPlanePlot.render("extremes", List.of(
                new InformationPlanePlot.Trajectory("extreme", extreme, extreme),
                new InformationPlanePlot.Trajectory("constant", constant, constant)));

        for (String svg : List.of(run, plane)) {
            PlotsTest.parse(svg);
            assertThat(svg).doesNotContain("NaN", "Infinity");
        }
        assertThat(PlotsTest.elements(PlotsTest.parse(plane), "circle", null)).hasSize(6);
        assertThat(run).contains("1.80e+308", "-1.80e+308");
    }
}
