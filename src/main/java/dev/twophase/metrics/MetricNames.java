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
    /** Mutual information of each block's representation with inputs / labels, bits; layer = block. The first estimator's values. */
    public static final String MI_TX = "mi_tx";
    public static final String MI_TY = "mi_ty";
    /** Estimator names in {@code mi_tx:<estimator>}: the binning estimate and the two kde bounds, */
    public static final String BINNING = "binning";
    public static final String KDE_UPPER = "kde_upper";
    public static final String KDE_LOWER = "kde_lower";
    /** and the kde bounds with noise relative to the layer's total variance (the default estimator). */
    public static final String KDE_RELATIVE_UPPER = "kde_relative_upper";
    public static final String KDE_RELATIVE_LOWER = "kde_relative_lower";
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

    /** What {@code mi_tx:<estimator>} appends for another representation and/or inputs than the default: {@code :mlp_hidden:test}. */
    public static String miSuffix(String representation, String inputs) {
        return (DEFAULT_REPRESENTATION.equals(representation) ? "" : ":" + representation)
                + (DEFAULT_INPUTS.equals(inputs) ? "" : ":" + inputs);
    }
}
