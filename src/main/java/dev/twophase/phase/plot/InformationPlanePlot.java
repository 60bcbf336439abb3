package dev.twophase.phase.plot;

import dev.twophase.phase.Series;

import java.util.List;
import java.util.Locale;

/**
 * The information plane (Shwartz-Ziv &amp; Tishby 2017, Fig. 3): I(T;Y) against I(T;X), one
 * trajectory per run and layer, its points coloured by log step from dark (early) to yellow (late).
 */
public final class InformationPlanePlot {

    /** One trajectory: I(T;X) and I(T;Y) of one layer of one run, paired by step. */
    public record Trajectory(String label, Series itx, Series ity) {
    }

    private static final int PLOT_WIDTH = 500;
    private static final int HEIGHT = 560;
    private static final int LEFT = 60;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final int MARGIN = 10;
    private static final List<String> KEY = List.of("points coloured by step:", "dark = early, yellow = late");
    /** Legend rows above the two-line key at the bottom of the legend column. */
    private static final int LEGEND_ROWS = (HEIGHT - TOP - BOTTOM - 3 * Svg.LEGEND_ROW) / Svg.LEGEND_ROW;

    private InformationPlanePlot() {
    }

    public static String render(String title, List<Trajectory> trajectories) {
        List<String> labels = trajectories.stream().map(Trajectory::label).toList();
        double legend = Math.max(Svg.legendWidth(labels, LEGEND_ROWS),
                KEY.stream().mapToDouble(k -> Svg.textWidth(k, Svg.FONT_SIZE)).max().orElse(0));
        int width = (int) Math.ceil(Math.max(LEFT + PLOT_WIDTH + 2 * MARGIN + legend, Svg.textWidth(title, 14) + 2 * MARGIN));
        Svg svg = new Svg(width, HEIGHT, title);
        svg.text(width / 2.0, 20, "middle", title, "font-size=\"14\"");
        double[] xr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] yr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        long maxStep = 1;
        for (Trajectory t : trajectories) {
            for (int i = 0; i < t.itx().size(); i++) {
                xr[0] = Math.min(xr[0], t.itx().value(i));
                xr[1] = Math.max(xr[1], t.itx().value(i));
                maxStep = Math.max(maxStep, t.itx().step(i));
            }
            for (int i = 0; i < t.ity().size(); i++) {
                yr[0] = Math.min(yr[0], t.ity().value(i));
                yr[1] = Math.max(yr[1], t.ity().value(i));
            }
        }
        fix(xr);
        fix(yr);
        int w = PLOT_WIDTH;
        int h = HEIGHT - TOP - BOTTOM;
        svg.raw(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>", LEFT, TOP, w, h));
        for (int t = 0; t <= 4; t++) {
            double xv = Svg.between(xr[0], xr[1], t / 4.0);
            double yv = Svg.between(yr[0], yr[1], t / 4.0);
            svg.text(LEFT + w * t / 4.0, TOP + h + 15, "middle", String.format(Locale.ROOT, "%.3g", xv), "fill=\"#555\"");
            svg.text(LEFT - 5, TOP + h * (1 - t / 4.0) + 4, "end", String.format(Locale.ROOT, "%.3g", yv), "fill=\"#555\"");
        }
        svg.text(LEFT + w / 2.0, HEIGHT - 12, "middle", "I(T;X) (bits)", "");
        svg.text(14, TOP + h / 2.0, "middle", "I(T;Y) (bits)", "transform=\"rotate(-90 14 " + (TOP + h / 2.0) + ")\"");
        if (trajectories.isEmpty()) {
            svg.text(LEFT + w / 2.0, TOP + h / 2.0, "middle", "no run has both I(T;X) and I(T;Y) series", "");
        }
        double logMax = Math.log10(1 + maxStep);
        int k = 0;
        List<String> colours = new java.util.ArrayList<>();
        for (Trajectory t : trajectories) {
            Series x = t.itx();
            Series y = t.ity();
            int n = Math.min(x.size(), y.size());
            double[] xs = new double[n];
            double[] ys = new double[n];
            long[] steps = new long[n];
            int m = 0;
            int j = 0;
            for (int i = 0; i < x.size() && j < y.size(); i++) {
                while (j < y.size() && y.step(j) < x.step(i)) {
                    j++;
                }
                if (j < y.size() && y.step(j) == x.step(i)) {
                    xs[m] = LEFT + w * Svg.fraction(x.value(i), xr[0], xr[1]);
                    ys[m] = TOP + h * (1 - Svg.fraction(y.value(j), yr[0], yr[1]));
                    steps[m] = x.step(i);
                    m++;
                }
            }
            String colour = RunPlot.COLOURS[k % RunPlot.COLOURS.length];
            svg.raw("<g class=\"trajectory\" data-label=" + Svg.attr(t.label()) + ">");
            svg.path(java.util.Arrays.copyOf(xs, m), java.util.Arrays.copyOf(ys, m),
                    "class=\"series\" stroke=\"" + colour + "\" stroke-opacity=\"0.6\"");
            for (int i = 0; i < m; i++) {
                svg.circle(xs[i], ys[i], 2.5, "class=\"point\" data-step=\"" + steps[i] + "\" fill=\""
                        + stepColour(Math.log10(1 + steps[i]) / logMax) + "\"");
            }
            svg.raw("</g>");
            colours.add(colour);
            k++;
        }
        svg.legend(LEFT + w + MARGIN, TOP + 12, labels, colours, LEGEND_ROWS);
        for (int line = 0; line < KEY.size(); line++) {
            svg.text(LEFT + w + MARGIN, TOP + h - Svg.LEGEND_ROW * (KEY.size() - 1 - line), "start", KEY.get(line), "");
        }
        return svg.end();
    }

    /** A viridis-like ramp: dark purple at 0, teal at 0.5, yellow at 1. */
    static String stepColour(double u) {
        double t = Math.max(0, Math.min(1, u));
        int r = (int) Math.round(t < 0.5 ? 68 - t * 2 * (68 - 33) : 33 + (t - 0.5) * 2 * (253 - 33));
        int g = (int) Math.round(t < 0.5 ? 1 + t * 2 * (145 - 1) : 145 + (t - 0.5) * 2 * (231 - 145));
        int b = (int) Math.round(t < 0.5 ? 84 + t * 2 * (140 - 84) : 140 - (t - 0.5) * 2 * (140 - 37));
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    private static void fix(double[] range) {
        double[] axis = Svg.axis(range[0], range[1]);
        range[0] = axis[0];
        range[1] = axis[1];
    }
}
