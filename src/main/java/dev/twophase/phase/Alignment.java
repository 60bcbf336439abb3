package dev.twophase.phase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The timescale relations the two-phase paper asserts (arXiv 2504.12700: compression starts when
 * fitting ends and at the test-loss hump, and ends when generalization completes), measured across
 * runs: for each run with both events the ratio b / a and the log-step difference
 * log10(1 + b) - log10(1 + a), their spread, and Spearman's rank correlation of a and b with n.
 */
public final class Alignment {

    /** Fewest runs for a spread; fewer than {@link #MIN_FOR_CORRELATION} give no meaningful rank correlation. */
    public static final int MIN_FOR_SPREAD = 2;
    public static final int MIN_FOR_CORRELATION = 5;

    /** One relation "b against a" over the runs that have both events. */
    public record Relation(String name, String first, String second, int n, Double medianRatio, Double minRatio,
            Double maxRatio, Double meanLogDifference, Double sdLogDifference, Double spearman, String statement) {
    }

    private Alignment() {
    }

    /**
     * @param firstSteps  event a per run (null where a run lacks it)
     * @param secondSteps event b per run, same order
     */
    public static Relation relate(String name, String first, String second, List<Long> firstSteps,
            List<Long> secondSteps) {
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < firstSteps.size(); i++) {
            if (firstSteps.get(i) != null && secondSteps.get(i) != null) {
                pairs.add(new double[] {firstSteps.get(i), secondSteps.get(i)});
            }
        }
        int n = pairs.size();
        if (n == 0) {
            return new Relation(name, first, second, 0, null, null, null, null, null, null,
                    "no run has both " + first + " and " + second + ": nothing to compare");
        }
        double[] ratios = new double[n];
        double[] logDiff = new double[n];
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = pairs.get(i)[0];
            b[i] = pairs.get(i)[1];
            ratios[i] = (1 + b[i]) / (1 + a[i]);
            logDiff[i] = Math.log10(1 + b[i]) - Math.log10(1 + a[i]);
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double mean = Arrays.stream(logDiff).average().orElse(Double.NaN);
        Double sd = n >= MIN_FOR_SPREAD ? Math.sqrt(Arrays.stream(logDiff).map(d -> (d - mean) * (d - mean)).sum()
                / (n - 1)) : null;
        // A constant side (every run fitted at the same logged step) has no ranks to correlate: null, said in the statement.
        double correlation = n >= 3 ? spearman(a, b) : Double.NaN;
        Double rho = Double.isNaN(correlation) ? null : correlation;
        return new Relation(name, first, second, n, median, sorted[0], sorted[n - 1], mean, sd, rho,
                statement(first, second, n, mean, sd, rho));
    }

    private static String statement(String first, String second, int n, double mean, Double sd, Double rho) {
        String where = String.format(Locale.ROOT, "%s comes %.2f decades %s %s on average (ratio %.2fx)", second,
                Math.abs(mean), mean >= 0 ? "after" : "before", first, Math.pow(10, mean));
        if (n < MIN_FOR_SPREAD) {
            return "only 1 run has both events: too few runs to conclude anything; " + where + " in that run";
        }
        String spread = String.format(Locale.ROOT, "; spread (sd) %.2f decades over %d runs", sd, n);
        if (n < MIN_FOR_CORRELATION) {
            return where + spread + "; too few runs (n = " + n + " < " + MIN_FOR_CORRELATION
                    + ") to conclude anything about whether they move together";
        }
        if (rho == null) {
            return where + spread + "; no rank correlation: " + first + " or " + second
                    + " is the same step in every run, so whether they move together cannot be told";
        }
        return where + spread + String.format(Locale.ROOT, "; Spearman rank correlation %.2f (n = %d)", rho, n);
    }

    /** Spearman's rho: Pearson correlation of the ranks, ties given their average rank; NaN when a side is constant. */
    public static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    static double[] ranks(double[] x) {
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(x[i], x[j]));
        double[] ranks = new double[x.length];
        int i = 0;
        while (i < x.length) {
            int j = i;
            while (j + 1 < x.length && x[order[j + 1]] == x[order[i]]) {
                j++;
            }
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = average;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(Double.NaN);
        double my = Arrays.stream(y).average().orElse(Double.NaN);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
