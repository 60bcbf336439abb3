package dev.twophase.experiment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.twophase.metrics.MetricNames;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One estimator of I(T;X) and I(T;Y) of the hidden layers. Only the fields of its estimator are set
 * (and echoed): {@code bins}, {@code range}, {@code lower}, {@code upper} for binning,
 * {@code noiseVariance}, {@code noiseScale}, {@code probes} for kde and renyi.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "An estimator of I(T;X), I(T;Y): kde bounds (Kolchinsky & Tracey 2017), matrix-based Renyi-2 entropy (Sanchez Giraldo et al. 2015) or binning (Shwartz-Ziv & Tishby 2017)")
public record MutualInformationSpec(
        @Schema(enumeration = {"kde", "renyi", "binning"}, defaultValue = "kde") String estimator,
        @Schema(enumeration = {"residual_last", "mlp_hidden", "residual_all", "attention_last"}, defaultValue = "residual_last",
                description = "T: residual stream after the block at the last position, MLP hidden activations at the last position, the residual stream at all positions, or the attention probabilities of the last position's query (heads x 3, in [0, 1])") String representation,
        @Schema(enumeration = {"train", "test", "all"}, defaultValue = "train", description = "the inputs X over which T is read") String inputs,
        @Schema(minimum = "2", maximum = "1000", description = "binning: bins per unit; default 30 (no schema default: it applies to binning only, and kde and renyi refuse the field)") Integer bins,
        @Schema(enumeration = {"fixed", "adaptive"}, description = "binning: bin edges over lower..upper (default for attention_last, 0..1) or over the layer's current min..max (default for the unbounded representations; the edges then move with outliers)") String range,
        @Schema(description = "binning with a fixed range: lower edge (default 0 for attention_last, else -1)") Double lower,
        @Schema(description = "binning with a fixed range: upper edge (default 1)") Double upper,
        @Schema(exclusiveMinimum = true, minimum = "0", description = "kde, renyi: noise variance sigma^2 (sphere: default 0.0625 = (1/4)^2, on rows scaled to unit length; absolute: default 0.1 per unit, Saxe et al.) or its ratio to the layer's total variance (relative; default 0.03)") Double noiseVariance,
        @Schema(enumeration = {"sphere", "absolute", "relative"},
                description = "kde, renyi (default sphere): sphere divides each input's vector by its length and adds noise of fixed variance, a fixed angular resolution on a fixed sphere whatever the layer's scale or width; absolute adds fixed noise to the raw representation; relative scales the noise to the layer's total variance and is a clustering index written as clustering_tx/clustering_ty, not I(T;X)") String noiseScale,
        @Schema(minimum = "1", maximum = "100000", description = "kde, renyi: rows of the seeded probe subset the outer mean runs over when N is larger; default 1000") Integer probes) {

    public static final String BINNING = MetricNames.BINNING;
    public static final String KDE = MetricNames.KDE;
    public static final String RENYI = MetricNames.RENYI;
    public static final String RESIDUAL_LAST = MetricNames.DEFAULT_REPRESENTATION;
    public static final String ATTENTION_LAST = "attention_last";
    public static final String TRAIN = MetricNames.DEFAULT_INPUTS;
    public static final String SPHERE = MetricNames.SPHERE;
    public static final String RELATIVE = MetricNames.RELATIVE;
    public static final String ABSOLUTE = MetricNames.ABSOLUTE;
    public static final String FIXED = "fixed";
    public static final String ADAPTIVE = "adaptive";
    /**
     * Default noise variance per scale. Sphere: 1/16 on the unit sphere (sigma a quarter of its radius: directions
     * whose 1 - cos angle is well above 1/16, about 20 degrees, are told apart); absolute: Saxe et al.'s 0.1 for
     * tanh units; relative: 0.03 of the total variance.
     */
    public static final double DEFAULT_SPHERE_NOISE = 0.0625;
    public static final double DEFAULT_ABSOLUTE_NOISE = 0.1;
    public static final double DEFAULT_RELATIVE_NOISE = 0.03;
    public static final int DEFAULT_PROBES = 1000;

    /** A binning estimator over the default representation and inputs. */
    public static MutualInformationSpec binning(int bins, String range, Double lower, Double upper) {
        return new MutualInformationSpec(BINNING, RESIDUAL_LAST, TRAIN, bins, range, lower, upper, null, null, null);
    }

    /** A kde estimator with the papers' fixed noise variance over the default representation and inputs. */
    public static MutualInformationSpec kde(double noiseVariance, int probes) {
        return new MutualInformationSpec(KDE, RESIDUAL_LAST, TRAIN, null, null, null, null, noiseVariance, ABSOLUTE, probes);
    }

    /** The estimator a spec without {@code mutualInformation} gets: kde on the unit sphere. */
    public static MutualInformationSpec defaultEstimator() {
        return new MutualInformationSpec(KDE, RESIDUAL_LAST, TRAIN, null, null, null, null, DEFAULT_SPHERE_NOISE, SPHERE,
                DEFAULT_PROBES);
    }

    /** The default noise variance of a noise scale. */
    public static double defaultNoise(String noiseScale) {
        return switch (noiseScale) {
            case ABSOLUTE -> DEFAULT_ABSOLUTE_NOISE;
            case RELATIVE -> DEFAULT_RELATIVE_NOISE;
            default -> DEFAULT_SPHERE_NOISE;
        };
    }

    /** False for the relative-noise clustering index, which writes clustering_tx/clustering_ty instead of mi_tx/mi_ty. */
    public boolean measuresInformation() {
        return MetricNames.isInformation(estimator, noiseScale);
    }

    /** The I(T;X)-side series of one of its outputs ({@code variant} "" or upper/lower). */
    public String txSeries(String variant) {
        return MetricNames.txSeries(estimator, noiseScale, variant, seriesSuffix());
    }

    public String tySeries(String variant) {
        return MetricNames.tySeries(estimator, noiseScale, variant, seriesSuffix());
    }

    /**
     * What its series names append to {@code mi_tx:<estimator>}: nothing for the default representation
     * and inputs, else {@code :<representation>} and/or {@code :<inputs>}.
     */
    public String seriesSuffix() {
        return MetricNames.miSuffix(representation, inputs);
    }
}
