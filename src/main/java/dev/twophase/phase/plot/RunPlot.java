package dev.twophase.phase.plot;

import dev.twophase.phase.PhaseEvent;
import dev.twophase.phase.Series;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run's curves on a shared log-step axis (x = log10(1 + step)), one panel per quantity:
 * accuracies, test loss, I(T;X) per layer; each confirmed event is a dashed vertical line in the
 * panel of its metric, labelled with its kind. Hand-written SVG: a few hundred bytes per series,
 * no AWT, no dependency.
 */
public final class RunPlot {

    /** One panel: its title and its named series. */
    public record Panel(String title, Map<String, Series> series, List<PhaseEvent> events) {
    }

    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
        "#17becf"};
    private static final int PLOT_WIDTH = 580;
    private static final int PANEL_HEIGHT = 200;
    private static final int LEFT = 60;
    /** Space between the plot and its legend, and after the legend. */
    private static final int MARGIN = 10;
    private static final int LEGEND_ROWS = (PANEL_HEIGHT - 8) / Svg.LEGEND_ROW;
    private static final double EVENT_FONT = 9;
    private static final int TOP = 30;
    private static final int GAP = 40;

    private RunPlot() {
    }

    public static String render(String title, List<Panel> panels) {
        int height = TOP + panels.size() * (PANEL_HEIGHT + GAP) + 10;
        // The legend sits right of the plot; the picture is as wide as the widest legend needs.
        double legend = 0;
        for (Panel p : panels) {
            legend = Math.max(legend, Svg.legendWidth(List.copyOf(p.series().keySet()), LEGEND_ROWS));
        }
        int plotWidth = PLOT_WIDTH;
        int width = (int) Math.ceil(Math.max(LEFT + plotWidth + 2 * MARGIN + legend,
                Svg.textWidth(title, 14) + 2 * MARGIN));
        Svg svg = new Svg(width, height, title);
        svg.text(width / 2.0, 18, "middle", title, "font-size=\"14\"");
        double maxLog = 1;
        for (Panel p : panels) {
            for (Series s : p.series().values()) {
                for (int i = 0; i < s.size(); i++) {
                    maxLog = Math.max(maxLog, Math.log10(1 + s.step(i)));
                }
            }
        }
        double xMax = Math.ceil(maxLog);
        for (int k = 0; k < panels.size(); k++) {
            Panel p = panels.get(k);
            double top = TOP + k * (PANEL_HEIGHT + GAP);
            double[] range = range(p.series().values());
            svg.raw(String.format(Locale.ROOT, "<g class=\"panel\" data-title=%s>", Svg.attr(p.title())));
            svg.raw(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" "
                    + "stroke=\"#999\"/>", LEFT, top, plotWidth, PANEL_HEIGHT));
            svg.text(LEFT, top - 6, "start", p.title(), "font-weight=\"bold\"");
            for (int d = 0; d <= (int) xMax; d++) {
                double x = LEFT + plotWidth * d / xMax;
                svg.line(x, top + PANEL_HEIGHT, x, top + PANEL_HEIGHT + 4, "stroke=\"#999\"");
                svg.text(x, top + PANEL_HEIGHT + 15, "middle", d == 0 ? "0" : "1e" + d, "fill=\"#555\"");
            }
            for (int t = 0; t <= 4; t++) {
                double v = Svg.between(range[0], range[1], t / 4.0);
                double y = top + PANEL_HEIGHT * (1 - t / 4.0);
                svg.text(LEFT - 5, y + 4, "end", String.format(Locale.ROOT, "%.3g", v), "fill=\"#555\"");
                svg.line(LEFT, y, LEFT + plotWidth, y, "stroke=\"#eee\"");
            }
            int c = 0;
            List<String> colours = new java.util.ArrayList<>();
            for (Map.Entry<String, Series> e : p.series().entrySet()) {
                Series s = e.getValue();
                double[] xs = new double[s.size()];
                double[] ys = new double[s.size()];
                for (int i = 0; i < s.size(); i++) {
                    xs[i] = LEFT + plotWidth * Math.log10(1 + s.step(i)) / xMax;
                    ys[i] = top + PANEL_HEIGHT * (1 - Svg.fraction(s.value(i), range[0], range[1]));
                }
                String colour = COLOURS[c % COLOURS.length];
                svg.path(xs, ys, "class=\"series\" data-series=" + Svg.attr(e.getKey()) + " stroke=\"" + colour
                        + "\" stroke-width=\"1.5\"");
                colours.add(colour);
                c++;
            }
            svg.legend(LEFT + plotWidth + MARGIN, top + 12, List.copyOf(p.series().keySet()), colours, LEGEND_ROWS);
            int label = 0;
            for (PhaseEvent ev : p.events()) {
                double x = LEFT + plotWidth * Math.log10(1 + ev.step()) / xMax;
                double low = LEFT + plotWidth * Math.log10(1 + ev.stepLow()) / xMax;
                double high = LEFT + plotWidth * Math.log10(1 + ev.stepHigh()) / xMax;
                svg.raw(String.format(Locale.ROOT, "<rect class=\"event-interval\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        + "height=\"%d\" fill=\"#000\" fill-opacity=\"0.06\"/>", low, top, Math.max(0.5, high - low),
                        PANEL_HEIGHT));
                svg.line(x, top, x, top + PANEL_HEIGHT, "class=\"event\" data-kind=" + Svg.attr(ev.kind())
                        + " data-step=\"" + ev.step() + "\" stroke=\"#333\" stroke-dasharray=\"4 3\"");
                String text = ev.kind() + " " + ev.step() + (ev.layer() > 0 ? " (" + ev.metric() + "@" + ev.layer() + ")" : "");
                // Labels stay inside the plot: right of the line, or left of it where they would run past the edge.
                boolean fitsRight = x + 3 + Svg.textWidth(text, EVENT_FONT) <= LEFT + plotWidth;
                svg.text(fitsRight ? x + 3 : x - 3, top + 12 + 11 * (label++ % 6), fitsRight ? "start" : "end", text,
                        "class=\"event-label\" font-size=\"" + (int) EVENT_FONT + "\" fill=\"#333\"");
            }
            svg.raw("</g>");
        }
        svg.text(LEFT + plotWidth / 2.0, height - 4, "middle", "step (log scale)", "fill=\"#555\"");
        return svg.end();
    }

    private static double[] range(Iterable<Series> series) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.size(); i++) {
                if (Double.isFinite(s.value(i))) {
                    lo = Math.min(lo, s.value(i));
                    hi = Math.max(hi, s.value(i));
                }
            }
        }
        return Svg.axis(lo, hi);
    }
}
