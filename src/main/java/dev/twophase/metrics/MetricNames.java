package dev.twophase.metrics;

/** The series the worker writes; README lists them with their cadence. */
public final class MetricNames {
    /** Cross-entropy and accuracy of the minibatch of every step. */
    public static final String TRAIN_BATCH_LOSS = "train_batch_loss";
    public static final String TRAIN_BATCH_ACC = "train_batch_acc";
    /** Over the whole train / test split, every measures.every steps. */
    public static final String TRAIN_LOSS = "train_loss";
    public static final String TRAIN_ACC = "train_acc";
    public static final String TEST_LOSS = "test_loss";
    public static final String TEST_ACC = "test_acc";
    /** L2 norm of the parameters: layer 0 all of them, layer l block l's. */
    public static final String WEIGHT_NORM = "weight_norm";
    /** L2 norm of the last step's loss gradient: layer 0 all blocks together, layer l block l's. */
    public static final String GRAD_NORM = "grad_norm";
    public static final String LEARNING_RATE = "lr";
    /** Wall seconds this attempt has spent in training steps and in measurement passes, at every measurement after step 0. */
    public static final String TRAIN_SECONDS = "train_seconds";
    public static final String MEASURE_SECONDS = "measure_seconds";
    /** Mutual information of each block's representation with inputs / labels, bits; layer = block. The first estimator's values. */
    public static final String MI_TX = "mi_tx";
    public static final String MI_TY = "mi_ty";
    /**
     * The same estimate with noise relative to the layer's total variance: a clustering / anisotropy index in
     * bits, not I(T;X) (its value is bounded by the covariance spectrum), so it is kept apart from mi_tx.
     */
    public static final String CLUSTERING_TX = "clustering_tx";
    public static final String CLUSTERING_TY = "clustering_ty";
    /** Estimator names in {@code mi_tx:<estimator>}. */
    public static final String BINNING = "binning";
    /** Estimators and noise scales as the spec names them. */
    public static final String KDE = "kde";
    public static final String RENYI = "renyi";
    public static final String SPHERE = "sphere";
    public static final String ABSOLUTE = "absolute";
    public static final String RELATIVE = "relative";
    /** Geometry of the representation beside every I(T;X) series (same layer, representation and inputs). */
    public static final String TOTAL_VARIANCE = "total_variance";
    public static final String EFFECTIVE_RANK = "effective_rank";
    public static final String WITHIN_BETWEEN = "within_between_ratio";
    /** Local complexity around train, test and random points; layer = block. */
    public static final String LC_TRAIN = "lc:train";
    public static final String LC_TEST = "lc:test";
    public static final String LC_RANDOM = "lc:random";
    /** Linear mapping number of the whole model (layer 0). */
    public static final String LMN = "lmn";

    /** The representation and inputs an {@code mi_tx:*} name leaves unsaid. */
    public static final String DEFAULT_REPRESENTATION = "residual_last";
    public static final String DEFAULT_INPUTS = "train";

    /** Layer 0 stands for the whole model. */
    public static final int WHOLE_MODEL = 0;

    private MetricNames() {
    }

    /** {@code mi_tx:<estimator><suffix>}, the suffix naming a representation or inputs other than the default. */
    public static String miTx(String estimator, String suffix) {
        return MI_TX + ":" + estimator + suffix;
    }

    public static String miTy(String estimator, String suffix) {
        return MI_TY + ":" + estimator + suffix;
    }

    /**
     * The estimator part of a series name: {@code binning}; kde's {@code kde_sphere_<variant>},
     * {@code kde_<variant>} (absolute) or {@code kde_relative_<variant>} with variant upper or lower;
     * {@code renyi2_sphere}, {@code renyi2} or {@code renyi2_relative}. A missing noise scale (a spec stored
     * before the field existed) is absolute.
     */
    public static String estimatorName(String estimator, String noiseScale, String variant) {
        if (BINNING.equals(estimator)) {
            return BINNING;
        }
        String scale = noiseScale == null ? ABSOLUTE : noiseScale;
        String scalePart = ABSOLUTE.equals(scale) ? "" : "_" + scale;
        if (RENYI.equals(estimator)) {
            return "renyi2" + scalePart;
        }
        return "kde" + scalePart + (variant == null || variant.isEmpty() ? "" : "_" + variant);
    }

    /** Whether the estimate is I(T;X) (mi_tx) or the relative-noise clustering index (clustering_tx). */
    public static boolean isInformation(String estimator, String noiseScale) {
        return BINNING.equals(estimator) || !RELATIVE.equals(noiseScale);
    }

    /** The I(T;X)-side series name of one estimator output: {@code mi_tx:...} or {@code clustering_tx:...}. */
    public static String txSeries(String estimator, String noiseScale, String variant, String suffix) {
        return (isInformation(estimator, noiseScale) ? MI_TX : CLUSTERING_TX) + ":"
                + estimatorName(estimator, noiseScale, variant) + suffix;
    }

    /** The I(T;Y)-side partner of {@link #txSeries}. */
    public static String tySeries(String estimator, String noiseScale, String variant, String suffix) {
        return (isInformation(estimator, noiseScale) ? MI_TY : CLUSTERING_TY) + ":"
                + estimatorName(estimator, noiseScale, variant) + suffix;
    }

    /** A geometry series of one representation: {@code total_variance} or {@code total_variance:mlp_hidden}. */
    public static String geometry(String name, String suffix) {
        return name + suffix;
    }

    /** What {@code mi_tx:<estimator>} appends for another representation and/or inputs than the default: {@code :mlp_hidden:test}. */
    public static String miSuffix(String representation, String inputs) {
        return (DEFAULT_REPRESENTATION.equals(representation) ? "" : ":" + representation)
                + (DEFAULT_INPUTS.equals(inputs) ? "" : ":" + inputs);
    }
}
