package dev.twophase.phase.plot;

import java.util.Locale;

/** A few SVG elements written as text, with XML escaping; enough for line charts. */
final class Svg {

    private final StringBuilder out = new StringBuilder();

    Svg(int width, int height, String title) {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                        + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n",
                        width, height, width, height))
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

    Svg circle(double x, double y, double r, String attributes) {
        out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" %s/>\n", x, y, r, attributes));
        return this;
    }

    String end() {
        return out.append("</svg>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String attr(String s) {
        return "\"" + escape(s) + "\"";
    }
}
