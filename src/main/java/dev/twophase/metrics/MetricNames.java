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
    public static final String WEIGHT_NORM = "weight_norm";
    public static final String LEARNING_RATE = "lr";
    /** Mutual information of each block's residual stream with inputs / labels, bits; layer = block. */
    public static final String MI_TX = "mi_tx";
    public static final String MI_TY = "mi_ty";

    /** Layer 0 stands for the whole model. */
    public static final int WHOLE_MODEL = 0;

    private MetricNames() {
    }
}
