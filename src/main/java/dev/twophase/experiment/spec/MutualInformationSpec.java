package dev.twophase.experiment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One estimator of I(T;X) and I(T;Y) of the hidden layers. Only the fields of its estimator are set
 * (and echoed): {@code bins}, {@code range}, {@code lower}, {@code upper} for binning,
 * {@code noiseVariance}, {@code noiseScale}, {@code probes} for kde.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "An estimator of I(T;X), I(T;Y): binning (Shwartz-Ziv & Tishby 2017) or kde bounds (Kolchinsky & Tracey 2017)")
public record MutualInformationSpec(
        @Schema(enumeration = {"binning", "kde"}, defaultValue = "kde") String estimator,
        @Schema(enumeration = {"residual_last", "mlp_hidden", "residual_all"}, defaultValue = "residual_last",
                description = "T: residual stream after the block at the last position, MLP hidden activations at the last position, or the residual stream at all positions") String representation,
        @Schema(enumeration = {"train", "test", "all"}, defaultValue = "train", description = "the inputs X over which T is read") String inputs,
        @Schema(minimum = "2", maximum = "1000", defaultValue = "30", description = "binning: bins per unit") Integer bins,
        @Schema(enumeration = {"adaptive", "fixed"}, defaultValue = "adaptive", description = "binning: bin edges over the layer's current min..max, or over lower..upper") String range,
        @Schema(defaultValue = "-1", description = "binning with a fixed range: lower edge") Double lower,
        @Schema(defaultValue = "1", description = "binning with a fixed range: upper edge") Double upper,
        @Schema(exclusiveMinimum = true, minimum = "0", description = "kde: variance sigma^2 of the added Gaussian noise (absolute; default 0.1, Saxe et al.) or its ratio to the layer's total variance E|h - mean h|^2 at each measurement (relative; default 0.03)") Double noiseVariance,
        @Schema(enumeration = {"relative", "absolute"}, defaultValue = "relative",
                description = "kde: relative scales the noise to the layer's spread, so the estimate does not saturate at log2 N on unbounded activations; absolute is the papers' fixed sigma^2") String noiseScale,
        @Schema(minimum = "1", maximum = "100000", defaultValue = "1000", description = "kde: rows of the seeded probe subset the outer mean runs over when N is larger") Integer probes) {

    public static final String BINNING = "binning";
    public static final String KDE = "kde";
    public static final String RESIDUAL_LAST = dev.twophase.metrics.MetricNames.DEFAULT_REPRESENTATION;
    public static final String TRAIN = dev.twophase.metrics.MetricNames.DEFAULT_INPUTS;
    public static final String RELATIVE = "relative";
    public static final String ABSOLUTE = "absolute";
    /** Default kde noise variance per scale: Saxe et al.'s 0.1 for absolute; 0.03 of the total variance for relative. */
    public static final double DEFAULT_ABSOLUTE_NOISE = 0.1;
    public static final double DEFAULT_RELATIVE_NOISE = 0.03;

    /** A binning estimator over the default representation and inputs. */
    public static MutualInformationSpec binning(int bins, String range, Double lower, Double upper) {
        return new MutualInformationSpec(BINNING, RESIDUAL_LAST, TRAIN, bins, range, lower, upper, null, null, null);
    }

    /** A kde estimator with the papers' fixed noise variance over the default representation and inputs. */
    public static MutualInformationSpec kde(double noiseVariance, int probes) {
        return new MutualInformationSpec(KDE, RESIDUAL_LAST, TRAIN, null, null, null, null, noiseVariance, ABSOLUTE, probes);
    }

    /** The estimator a spec without {@code mutualInformation} gets: kde with noise relative to the layer's spread. */
    public static MutualInformationSpec defaultEstimator() {
        return new MutualInformationSpec(KDE, RESIDUAL_LAST, TRAIN, null, null, null, null, DEFAULT_RELATIVE_NOISE, RELATIVE, 1000);
    }

    /** Relative kde noise, or absolute; also absolute when a stored spec predates the field. */
    public boolean relativeNoise() {
        return RELATIVE.equals(noiseScale);
    }

    /** The estimator part of its series names: binning, or the upper-bound name of kde. */
    public String seriesEstimator() {
        if (BINNING.equals(estimator)) {
            return dev.twophase.metrics.MetricNames.BINNING;
        }
        return relativeNoise() ? dev.twophase.metrics.MetricNames.KDE_RELATIVE_UPPER : dev.twophase.metrics.MetricNames.KDE_UPPER;
    }

    /** The estimator part of the names of kde's lower-bound series. */
    public String lowerBoundSeriesEstimator() {
        return relativeNoise() ? dev.twophase.metrics.MetricNames.KDE_RELATIVE_LOWER : dev.twophase.metrics.MetricNames.KDE_LOWER;
    }

    /**
     * What its series names append to {@code mi_tx:<estimator>}: nothing for the default representation
     * and inputs, else {@code :<representation>} and/or {@code :<inputs>}.
     */
    public String seriesSuffix() {
        return dev.twophase.metrics.MetricNames.miSuffix(representation, inputs);
    }
}
