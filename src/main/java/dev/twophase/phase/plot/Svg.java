package dev.twophase.phase.plot;

import java.util.List;
import java.util.Locale;

/** A few SVG elements written as text, with XML escaping; enough for line charts. */
final class Svg {

    static final double FONT_SIZE = 11;

    private final StringBuilder out = new StringBuilder();

    Svg(int width, int height, String title) {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                        + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"%s\">\n",
                        width, height, width, height, (int) FONT_SIZE))
                .append("<title>").append(escape(title)).append("</title>\n")
                .append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
    }

    Svg raw(String element) {
        out.append(element).append('\n');
        return this;
    }

    Svg text(double x, double y, String anchor, String text, String extra) {
        out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>\n", x, y,
                anchor, extra, escape(text)));
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String attributes) {
        out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", x1, y1,
                x2, y2, attributes));
        return this;
    }

    /**
     * Where {@code v} lies between {@code lo} and {@code hi} (0 at lo, 1 at hi). Computed on halves, so a
     * range wider than the largest double (values near -1.8e308 and +1.8e308 together) still gives finite
     * positions instead of NaN.
     */
    static double fraction(double v, double lo, double hi) {
        return (v / 2 - lo / 2) / (hi / 2 - lo / 2);
    }

    /** The value a fraction {@code t} of the way from {@code lo} to {@code hi}; finite whenever both ends are. */
    static double between(double lo, double hi, double t) {
        return lo * (1 - t) + hi * t;
    }

    /**
     * An axis range for finite values from {@code lo} to {@code hi}: [0, 1] when there are none, widened
     * around a single value (by half a unit, or a quarter of its size) without leaving the doubles.
     */
    static double[] axis(double lo, double hi) {
        if (!(lo <= hi)) {
            return new double[] {0, 1};
        }
        if (hi - lo >= 1e-9 * Math.max(1, Math.max(Math.abs(lo), Math.abs(hi)))) {
            return new double[] {lo, hi};
        }
        double centre = between(lo, hi, 0.5);
        if (Math.abs(centre) > 1e307) {
            return centre > 0 ? new double[] {centre / 2, centre} : new double[] {centre, centre / 2};
        }
        double pad = Math.max(0.5, Math.abs(centre) / 4);
        return new double[] {centre - pad, centre + pad};
    }

    /** A polyline as a path; points with a non-finite coordinate are skipped. */
    Svg path(double[] xs, double[] ys, String attributes) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                d.append(d.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", xs[i], ys[i]));
            }
        }
        if (d.length() > 0) {
            out.append("<path d=\"").append(d).append("\" fill=\"none\" ").append(attributes).append("/>\n");
        }
        return this;
    }

    /** A circle; nothing when a coordinate is not finite. */
    Svg circle(double x, double y, double r, String attributes) {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            return this;
        }
        out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" %s/>\n", x, y, r, attributes));
        return this;
    }

    /**
     * A generous estimate of the width of text in the default sans-serif font, 0.62 em per
     * character (most glyphs are narrower), so a layout made with it clips nothing.
     */
    static double textWidth(String text, double fontSize) {
        return text.length() * 0.62 * fontSize;
    }

    /** Legend rows 14 px apart; a legend swatch is 18 px, then 4 px to its label. */
    static final int LEGEND_ROW = 14;
    private static final int SWATCH = 22;
    private static final int COLUMN_GAP = 12;

    /** Width of a legend of {@code labels} in columns of at most {@code rows} entries. */
    static double legendWidth(List<String> labels, int rows) {
        double width = 0;
        for (int start = 0; start < labels.size(); start += rows) {
            double column = 0;
            for (String label : labels.subList(start, Math.min(labels.size(), start + rows))) {
                column = Math.max(column, SWATCH + textWidth(label, FONT_SIZE));
            }
            width += column + (start > 0 ? COLUMN_GAP : 0);
        }
        return width;
    }

    /** Line swatches with labels from (x, y), top to bottom, a new column every {@code rows} entries. */
    Svg legend(double x, double y, List<String> labels, List<String> colours, int rows) {
        double columnX = x;
        for (int start = 0; start < labels.size(); start += rows) {
            List<String> column = labels.subList(start, Math.min(labels.size(), start + rows));
            for (int k = 0; k < column.size(); k++) {
                double rowY = y + LEGEND_ROW * k;
                line(columnX, rowY, columnX + SWATCH - 4, rowY, "stroke=\"" + colours.get(start + k)
                        + "\" stroke-width=\"2\"");
                text(columnX + SWATCH, rowY + 4, "start", column.get(k), "class=\"legend\"");
            }
            columnX += legendWidth(column, rows) + COLUMN_GAP;
        }
        return this;
    }

    String end() {
        return out.append("</svg>\n").toString();
    }

    /**
     * Text for XML character data and attribute values: markup characters as references, and every
     * character XML 1.0 cannot carry at all (control characters other than tab and line breaks, unpaired
     * surrogates, U+FFFE and U+FFFF) as U+FFFD, so stored bytes of any kind never make a picture malformed.
     */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF'
                            || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    static String attr(String s) {
        return "\"" + escape(s) + "\"";
    }
}
