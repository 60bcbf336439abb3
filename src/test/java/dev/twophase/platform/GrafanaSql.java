package dev.twophase.platform;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands a Grafana PostgreSQL query the way Grafana does before it reaches the database: template
 * variables ({@code $var}, {@code ${var}}, {@code ${var:csv}}, {@code [[var]]}; multi-value ones quoted
 * and comma-joined), {@code $__interval}, and the SQL macros of Grafana's PostgreSQL data source
 * ({@code $__timeFilter}, {@code $__timeGroup}, {@code $__unixEpochFilter}, ...). An unknown macro or a
 * variable left over is an error, so a dashboard cannot use what this expansion does not check.
 */
final class GrafanaSql {

    /** A dashboard time range in epoch seconds, and the interval Grafana would pick for a panel. */
    record Range(long fromEpochSeconds, long toEpochSeconds, long intervalSeconds) {
        String from() {
            return "'" + Instant.ofEpochSecond(fromEpochSeconds) + "'";
        }

        String to() {
            return "'" + Instant.ofEpochSecond(toEpochSeconds) + "'";
        }
    }

    private static final Pattern MACRO = Pattern.compile("\\$__(\\w+)\\(");
    private static final Pattern LEFTOVER = Pattern.compile("\\$\\w|\\$\\{|\\[\\[");

    private GrafanaSql() {
    }

    /**
     * @param variables name to values; a variable declared multi or includeAll is formatted as a
     *                  quoted list ({@code 'a','b'}), as Grafana's SQL data sources do
     * @param multi     names of the multi-value variables
     */
    static String expand(String sql, Map<String, List<String>> variables, List<String> multi, Range range) {
        String out = sql.replace("$__interval_ms", String.valueOf(range.intervalSeconds() * 1000))
                .replace("$__interval", range.intervalSeconds() + "s");
        List<String> names = new ArrayList<>(variables.keySet());
        names.sort(Comparator.comparingInt(String::length).reversed());
        for (String name : names) {
            List<String> values = variables.get(name);
            String quoted = String.join(",", values.stream().map(v -> "'" + v.replace("'", "''") + "'").toList());
            String plain = multi.contains(name) ? quoted : String.join(",", values);
            out = out.replace("${" + name + ":csv}", String.join(",", values))
                    .replace("${" + name + ":sqlstring}", quoted)
                    .replace("${" + name + ":singlequote}", quoted)
                    .replace("${" + name + ":raw}", String.join(",", values))
                    .replace("${" + name + "}", plain)
                    .replace("[[" + name + "]]", plain)
                    .replaceAll("\\$" + Pattern.quote(name) + "\\b", Matcher.quoteReplacement(plain));
        }
        out = macros(out, range);
        Matcher leftover = LEFTOVER.matcher(out);
        if (leftover.find()) {
            throw new IllegalArgumentException("unexpanded Grafana syntax at '"
                    + out.substring(leftover.start(), Math.min(out.length(), leftover.start() + 30)) + "' in: " + out);
        }
        return out;
    }

    private static String macros(String sql, Range r) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        Matcher m = MACRO.matcher(sql);
        while (m.find(pos)) {
            out.append(sql, pos, m.start());
            int close = closingParen(sql, m.end() - 1);
            List<String> args = splitArgs(sql.substring(m.end(), close));
            out.append(macro(m.group(1), args, r));
            pos = close + 1;
        }
        out.append(sql.substring(pos));
        return out.toString();
    }

    /** Grafana's PostgreSQL macro engine (pkg/tsdb/grafana-postgresql-datasource/macros.go), for the macros it has. */
    private static String macro(String name, List<String> args, Range r) {
        String a0 = args.isEmpty() ? "" : args.get(0);
        return switch (name) {
            case "time" -> a0 + " AS \"time\"";
            case "timeEpoch" -> "extract(epoch from " + a0 + ") AS \"time\"";
            case "timeFilter" -> a0 + " BETWEEN " + r.from() + " AND " + r.to();
            case "timeFrom" -> r.from();
            case "timeTo" -> r.to();
            case "timeGroup" -> "floor(extract(epoch from " + a0 + ")/" + seconds(args.get(1)) + ")*" + seconds(args.get(1));
            case "timeGroupAlias" -> macro("timeGroup", args, r) + " AS \"time\"";
            case "unixEpochFilter" -> a0 + " >= " + r.fromEpochSeconds() + " AND " + a0 + " <= " + r.toEpochSeconds();
            case "unixEpochFrom" -> String.valueOf(r.fromEpochSeconds());
            case "unixEpochTo" -> String.valueOf(r.toEpochSeconds());
            case "unixEpochGroup" -> "floor((" + a0 + ")/" + seconds(args.get(1)) + ")*" + seconds(args.get(1));
            case "unixEpochGroupAlias" -> macro("unixEpochGroup", args, r) + " AS \"time\"";
            default -> throw new IllegalArgumentException("macro $__" + name + " is not one this test expands");
        };
    }

    /** Grafana interval syntax ("100s", "5m", "1h", "1d") in seconds. */
    static long seconds(String interval) {
        Matcher m = Pattern.compile("'?(\\d+)(ms|s|m|h|d)'?").matcher(interval.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("interval " + interval);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Math.max(1, n / 1000);
            case "s" -> n;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n * 86400;
        };
    }

    private static int closingParen(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '(') {
                depth++;
            } else if (s.charAt(i) == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced macro call in " + s);
    }

    private static List<String> splitArgs(String args) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(args.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (!args.isBlank()) {
            out.add(args.substring(start).trim());
        }
        return out;
    }
}
