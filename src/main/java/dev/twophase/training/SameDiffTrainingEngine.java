package dev.twophase.training;

import dev.twophase.training.TrainingSetup.OptimizerSetup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.ListenerVariables;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * {@link TrainingEngine} on a SameDiff graph ({@link TransformerGraph}) in float32 on the ND4J
 * backend on the classpath.
 *
 * <p>Optimiser: AdamW = {@link Adam} with decoupled weight decay
 * ({@code TrainingConfig.weightDecay(wd, true)}: after the Adam update every trainable variable
 * also moves by {@code -lr·wd·w}, as PyTorch's AdamW; DL4J-NOTES.md), learning rate from a
 * {@link WarmupSchedule}, epsilon 1e-8.
 *
 * <p>Losses are computed here from the logits, in double precision: SameDiff's reported training
 * score includes the weight-decay norm term, which is not the cross-entropy the paper plots.
 */
public final class SameDiffTrainingEngine implements TrainingEngine {

    /** Rows per forward pass in {@link #evaluate()} and {@link #representations}: bounds memory. */
    static final int FORWARD_CHUNK = 4096;

    private final TaskDataset data;
    private final int layers;
    private final WarmupSchedule schedule;
    private final MinibatchSampler sampler;
    private final String setupKey; // identifies the setup a saved state belongs to
    private final DataType dtype = DataType.FLOAT;
    private final LogitsCapture capture = new LogitsCapture();
    private final TrainingSetup.ModelSetup model;
    private final GradientNormCapture gradients;
    private SameDiff sd;
    private SameDiff fromEmbedding; // built on the first forwardFromEmbedding
    private MultiDataSet fullBatch; // built once when every step sees the whole train split
    private int[] fullBatchLabels;
    private long steps;

    public SameDiffTrainingEngine(TrainingSetup setup) {
        this.data = TaskDataset.of(setup.task());
        this.setupKey = setup.toString();
        this.layers = setup.model().layers();
        this.model = setup.model();
        OptimizerSetup opt = setup.optimizer();
        this.schedule = new WarmupSchedule(opt.learningRate(), opt.warmupSteps());
        this.sampler = new MinibatchSampler(data.indices(Split.TRAIN), setup.batchSize(), setup.seed());
        this.sd = TransformerGraph.build(setup.model(), data.tokenVocabulary(), data.classes(), setup.seed(), dtype);

        Adam adam = new Adam(schedule);
        adam.setBeta1(opt.beta1());
        adam.setBeta2(opt.beta2());
        adam.setEpsilon(1e-8);
        TrainingConfig.Builder config = new TrainingConfig.Builder()
                .updater(adam)
                .dataSetFeatureMapping(TransformerGraph.TOKENS)
                .dataSetLabelMapping(TransformerGraph.LABELS);
        if (opt.weightDecay() > 0) {
            config.weightDecay(opt.weightDecay(), true);
        }
        sd.setTrainingConfig(config.build());
        this.gradients = new GradientNormCapture(layers);
    }

    @Override
    public TaskDataset dataset() {
        return data;
    }

    /** The learning rate step {@code step} (0-based) uses. */
    public double learningRateAt(long step) {
        return schedule.at(step);
    }

    @Override
    public StepResult trainStep() {
        SameDiff graph = open();
        MultiDataSet batch;
        int[] labels;
        if (sampler.fullBatch()) {
            if (fullBatch == null) {
                int[] pairs = sampler.next();
                fullBatch = batchOf(pairs);
                fullBatchLabels = data.labelsOf(pairs);
            }
            batch = fullBatch;
            labels = fullBatchLabels;
        } else {
            int[] pairs = sampler.next();
            batch = batchOf(pairs);
            labels = data.labelsOf(pairs);
        }
        double learningRate = schedule.at(steps);
        capture.logits = null;
        graph.fit(batch, capture, gradients);
        if (capture.logits == null) {
            throw new IllegalStateException("SameDiff did not report the logits of the training step");
        }
        Scores scores = Scores.of(capture.logits, labels);
        capture.logits.close();
        capture.logits = null;
        if (batch != fullBatch) {
            closeBatch(batch);
        }
        long step = steps++;
        return new StepResult(step, scores.meanLoss(), scores.accuracy(), learningRate);
    }

    @Override
    public Evaluation evaluate() {
        Scores train = forwardScores(data.indices(Split.TRAIN));
        Scores test = forwardScores(data.indices(Split.TEST));
        return new Evaluation(train.meanLoss(), train.accuracy(), test.meanLoss(), test.accuracy());
    }

    @Override
    public float[][][] representations(Split split, Representation representation) {
        String[] names = new String[layers];
        for (int l = 0; l < layers; l++) {
            names[l] = switch (representation) {
                case RESIDUAL_LAST -> TransformerGraph.lastResidual(l + 1);
                case MLP_HIDDEN -> TransformerGraph.mlpHidden(l + 1);
                case RESIDUAL_ALL -> TransformerGraph.residual(l + 1);
                case ATTENTION_LAST -> TransformerGraph.attention(l + 1);
            };
        }
        float[][][] out = new float[layers][][];
        int[] pairs = data.indices(split);
        for (int l = 0; l < layers; l++) {
            out[l] = new float[pairs.length][];
        }
        forEachChunk(pairs, names, (from, result) -> {
            for (int l = 0; l < layers; l++) {
                INDArray a = result.get(names[l]);
                long n = a.size(0) / (representation == Representation.MLP_HIDDEN ? TransformerGraph.POSITIONS : 1);
                INDArray rows = switch (representation) {
                    case RESIDUAL_LAST -> a;
                    // [n·3, dMlp] -> the rows of the last position
                    case MLP_HIDDEN -> a.dup('c').reshape('c', n, TransformerGraph.POSITIONS, a.size(1))
                            .get(NDArrayIndex.all(), NDArrayIndex.point(TransformerGraph.POSITIONS - 1), NDArrayIndex.all());
                    case RESIDUAL_ALL -> a.dup('c').reshape('c', n, a.length() / n);
                    // [n, heads, 3, 3] -> query "=" (row 2) against positions 0..2, head-major
                    case ATTENTION_LAST -> a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(2), NDArrayIndex.all())
                            .dup('c').reshape('c', n, a.size(1) * 3);
                };
                float[][] matrix = rows.toFloatMatrix();
                System.arraycopy(matrix, 0, out[l], from, matrix.length);
            }
        });
        return out;
    }

    @Override
    public float[][] embeddedInputs(Split split) {
        int[] pairs = data.indices(split);
        float[][] out = new float[pairs.length][];
        String name = TransformerGraph.residual(0);
        forEachChunk(pairs, new String[] {name}, (from, result) -> {
            INDArray a = result.get(name);
            float[][] matrix = a.dup('c').reshape('c', a.size(0), a.length() / a.size(0)).toFloatMatrix();
            System.arraycopy(matrix, 0, out, from, matrix.length);
        });
        return out;
    }

    @Override
    public EmbeddedForward forwardFromEmbedding(float[][] points) {
        SameDiff fromEmbedding = embeddingGraph();
        String[] names = new String[layers + 1];
        for (int l = 0; l < layers; l++) {
            names[l] = TransformerGraph.mlpPreActivation(l + 1);
        }
        names[layers] = TransformerGraph.LOGITS;
        float[][][] pre = new float[layers][points.length][];
        float[][] logits = new float[points.length][];
        for (int from = 0; from < points.length; from += FORWARD_CHUNK) {
            float[][] chunk = Arrays.copyOfRange(points, from, Math.min(points.length, from + FORWARD_CHUNK));
            INDArray embedded = Nd4j.create(chunk).castTo(dtype);
            Map<String, INDArray> result = fromEmbedding.output(Map.of(TransformerGraph.EMBEDDED, embedded), names);
            for (int l = 0; l < layers; l++) {
                INDArray a = result.get(names[l]);
                // [m·3, dMlp] -> [m, 3·dMlp]: a sample's rows are consecutive, so this is position-major
                float[][] rows = a.dup('c').reshape('c', chunk.length, a.length() / chunk.length).toFloatMatrix();
                System.arraycopy(rows, 0, pre[l], from, rows.length);
            }
            float[][] rows = result.get(TransformerGraph.LOGITS).toFloatMatrix();
            System.arraycopy(rows, 0, logits, from, rows.length);
            embedded.close();
        }
        return new EmbeddedForward(pre, logits);
    }

    @Override
    public double[] blockWeightNorms() {
        double[] sumOfSquares = new double[layers];
        for (SDVariable v : trainableVariables()) {
            int block = blockOf(v.name());
            if (block > 0) {
                double norm = v.getArr().norm2Number().doubleValue();
                sumOfSquares[block - 1] += norm * norm;
            }
        }
        return sqrt(sumOfSquares);
    }

    @Override
    public double[] blockGradientNorms() {
        return sqrt(gradients.lastSumOfSquares.clone());
    }

    @Override
    public byte[] saveState() {
        return SameDiffState.save(this);
    }

    @Override
    public void restoreState(byte[] state) {
        SameDiffState.restore(this, state);
    }

    @Override
    public double weightNorm() {
        double sumOfSquares = 0;
        for (SDVariable v : trainableVariables()) {
            double norm = v.getArr().norm2Number().doubleValue();
            sumOfSquares += norm * norm;
        }
        return Math.sqrt(sumOfSquares);
    }

    @Override
    public long completedSteps() {
        return steps;
    }

    /** Releases the cached batch; the graph and its optimiser state become garbage. Idempotent. */
    @Override
    public void close() {
        if (sd == null) {
            return;
        }
        if (fullBatch != null) {
            closeBatch(fullBatch);
            fullBatch = null;
        }
        sd = null;
    }

    String setupKey() {
        return setupKey;
    }

    MinibatchSampler sampler() {
        return sampler;
    }

    void restoreCompletedSteps(long completed) {
        this.steps = completed;
    }

    /** The graph, for white-box tests (package-private on purpose). */
    SameDiff graph() {
        return open();
    }

    List<SDVariable> trainableVariables() {
        List<SDVariable> out = new ArrayList<>();
        for (SDVariable v : open().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                out.add(v);
            }
        }
        return out;
    }

    /** Block number (1-based) of a parameter name, 0 for the embeddings and the unembedding. */
    private int blockOf(String name) {
        for (int l = 1; l <= layers; l++) {
            if (name.startsWith(TransformerGraph.blockPrefix(l))) {
                return l;
            }
        }
        return 0;
    }

    private static double[] sqrt(double[] sumOfSquares) {
        double[] out = new double[sumOfSquares.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.sqrt(sumOfSquares[i]);
        }
        return out;
    }

    /** Runs the token graph over the pairs in chunks of {@link #FORWARD_CHUNK}, handing each chunk's named outputs on. */
    private void forEachChunk(int[] pairs, String[] names, ChunkConsumer consumer) {
        SameDiff graph = open();
        for (int from = 0; from < pairs.length; from += FORWARD_CHUNK) {
            int[] chunk = Arrays.copyOfRange(pairs, from, Math.min(pairs.length, from + FORWARD_CHUNK));
            INDArray tokens = OneHot.tokens(data, chunk, dtype);
            consumer.accept(from, graph.output(Map.of(TransformerGraph.TOKENS, tokens), names));
            tokens.close();
        }
    }

    private interface ChunkConsumer {
        void accept(int from, Map<String, INDArray> result);
    }

    /** The graph from embedded inputs, built on first use, with the current parameters copied in. */
    private SameDiff embeddingGraph() {
        SameDiff graph = open();
        if (fromEmbedding == null) {
            fromEmbedding = TransformerGraph.buildFromEmbedding(model, data.classes(), dtype);
        }
        for (SDVariable v : fromEmbedding.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                v.getArr().assign(graph.getVariable(v.name()).getArr());
            }
        }
        return fromEmbedding;
    }

    private Scores forwardScores(int[] pairs) {
        SameDiff graph = open();
        Scores total = Scores.EMPTY;
        for (int from = 0; from < pairs.length; from += FORWARD_CHUNK) {
            int[] chunk = Arrays.copyOfRange(pairs, from, Math.min(pairs.length, from + FORWARD_CHUNK));
            INDArray tokens = OneHot.tokens(data, chunk, dtype);
            INDArray logits = graph.outputSingle(Map.of(TransformerGraph.TOKENS, tokens), TransformerGraph.LOGITS);
            total = total.plus(Scores.of(logits, data.labelsOf(chunk)));
            tokens.close();
        }
        return total;
    }

    private MultiDataSet batchOf(int[] pairs) {
        return new org.nd4j.linalg.dataset.MultiDataSet(OneHot.tokens(data, pairs, dtype), OneHot.labels(data, pairs, dtype));
    }

    private static void closeBatch(MultiDataSet batch) {
        batch.getFeatures(0).close();
        batch.getLabels(0).close();
    }

    private SameDiff open() {
        if (sd == null) {
            throw new IllegalStateException("engine is closed");
        }
        return sd;
    }

    /** Keeps the logits SameDiff computes on its way to the loss during {@code fit} (a copy: SameDiff reuses its buffers). */
    private static final class LogitsCapture extends BaseListener {
        INDArray logits;

        @Override
        public ListenerVariables requiredVariables(SameDiff sd) {
            return ListenerVariables.builder().trainingVariables(TransformerGraph.LOGITS).build();
        }

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void activationAvailable(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, String varName,
                                        INDArray activation) {
            if (TransformerGraph.LOGITS.equals(varName)) {
                logits = activation.dup();
            }
        }
    }

    /**
     * Squared L2 norm per block of the raw loss gradients SameDiff computes during {@code fit}: they
     * are seen here before the updater (Adam, then the decoupled weight decay) rewrites them in place.
     */
    private final class GradientNormCapture extends BaseListener {
        final double[] lastSumOfSquares;
        private final double[] current;
        private Map<String, Integer> blockOfGradient;

        GradientNormCapture(int layers) {
            lastSumOfSquares = new double[layers];
            current = new double[layers];
        }

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void iterationStart(SameDiff sd, At at, MultiDataSet data, long etlTime) {
            Arrays.fill(current, 0);
        }

        @Override
        public void activationAvailable(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, String varName,
                                        INDArray activation) {
            Integer block = gradientNames(sd).get(varName);
            if (block != null) {
                double norm = activation.norm2Number().doubleValue();
                current[block - 1] += norm * norm;
            }
        }

        @Override
        public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, org.nd4j.autodiff.listeners.Loss loss) {
            System.arraycopy(current, 0, lastSumOfSquares, 0, current.length);
        }

        /** Gradient variable name ({@code <parameter>-grad}) to block, for every block parameter. */
        private Map<String, Integer> gradientNames(SameDiff sd) {
            if (blockOfGradient == null) {
                Map<String, Integer> names = new java.util.HashMap<>();
                for (SDVariable v : sd.variables()) {
                    int block = v.getVariableType() == VariableType.VARIABLE ? blockOf(v.name()) : 0;
                    if (block > 0) {
                        names.put(v.name() + "-grad", block);
                    }
                }
                blockOfGradient = names;
            }
            return blockOfGradient;
        }
    }
}
