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
    private static final int WIDTH = 820;
    private static final int PANEL_HEIGHT = 200;
    private static final int LEFT = 60;
    private static final int RIGHT = 180;
    private static final int TOP = 30;
    private static final int GAP = 40;

    private RunPlot() {
    }

    public static String render(String title, List<Panel> panels) {
        int height = TOP + panels.size() * (PANEL_HEIGHT + GAP) + 10;
        Svg svg = new Svg(WIDTH, height, title);
        svg.text(WIDTH / 2.0, 18, "middle", title, "font-size=\"14\"");
        double maxLog = 1;
        for (Panel p : panels) {
            for (Series s : p.series().values()) {
                for (int i = 0; i < s.size(); i++) {
                    maxLog = Math.max(maxLog, Math.log10(1 + s.step(i)));
                }
            }
        }
        double xMax = Math.ceil(maxLog);
        int plotWidth = WIDTH - LEFT - RIGHT;
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
                double v = range[0] + (range[1] - range[0]) * t / 4;
                double y = top + PANEL_HEIGHT * (1 - t / 4.0);
                svg.text(LEFT - 5, y + 4, "end", String.format(Locale.ROOT, "%.3g", v), "fill=\"#555\"");
                svg.line(LEFT, y, LEFT + plotWidth, y, "stroke=\"#eee\"");
            }
            int c = 0;
            for (Map.Entry<String, Series> e : p.series().entrySet()) {
                Series s = e.getValue();
                double[] xs = new double[s.size()];
                double[] ys = new double[s.size()];
                for (int i = 0; i < s.size(); i++) {
                    xs[i] = LEFT + plotWidth * Math.log10(1 + s.step(i)) / xMax;
                    ys[i] = top + PANEL_HEIGHT * (1 - (s.value(i) - range[0]) / (range[1] - range[0]));
                }
                String colour = COLOURS[c % COLOURS.length];
                svg.path(xs, ys, "class=\"series\" data-series=" + Svg.attr(e.getKey()) + " stroke=\"" + colour
                        + "\" stroke-width=\"1.5\"");
                svg.line(LEFT + plotWidth + 10, top + 12 + 14 * c, LEFT + plotWidth + 28, top + 12 + 14 * c,
                        "stroke=\"" + colour + "\" stroke-width=\"2\"");
                svg.text(LEFT + plotWidth + 32, top + 16 + 14 * c, "start", e.getKey(), "");
                c++;
            }
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
                svg.text(x + 3, top + 12 + 11 * (label++ % 6), "start", ev.kind() + " " + ev.step()
                        + (ev.layer() > 0 ? " (" + ev.metric() + "@" + ev.layer() + ")" : ""), "font-size=\"9\" fill=\"#333\"");
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
        if (!(lo <= hi)) {
            return new double[] {0, 1};
        }
        if (hi - lo < 1e-9) {
            return new double[] {lo - 0.5, hi + 0.5};
        }
        return new double[] {lo, hi};
    }
}
