package dev.twophase.training;

import static dev.twophase.training.HostArray.copyRows;

import dev.twophase.training.TrainingSetup.OptimizerSetup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link TrainingEngine} for {@link TransformerGraph}'s model without a graph: {@link DirectTransformer}'s
 * hand-derived forward and backward passes on preallocated ND4J buffers, parameters, gradients and
 * Adam moments each one flat vector ({@link DirectParameters}).
 *
 * <p>Optimiser: {@code torch.optim.AdamW}'s arithmetic (epsilon 1e-8 added after the bias
 * correction, decoupled weight decay on every parameter, embeddings and biases included, learning
 * rate from {@link WarmupSchedule}) in one host pass ({@link AdamW}); {@link SameDiffTrainingEngine}
 * runs DL4J's Adam, which differs only in where epsilon sits. A Grokfast {@link GradientFilter} acts
 * on the gradient before Adam. bench/pytorch-match.sh checks the whole training step against PyTorch
 * ({@link #exportWeights}, {@link #importWeights}).
 *
 * <p>Float32 by default; the package-private double-precision constructor serves the
 * finite-difference gradient check.
 */
public final class DirectTrainingEngine implements TrainingEngine {

    /**
     * Samples per forward pass outside training: all 9,409 inputs of p = 97 in one pass (S5's 14,400
     * in two). Every ND4J operation is a 2-thread parallel region; on a loaded machine each costs a
     * scheduling round, so fewer, larger operations were faster (chunks of 2,048: 5.9-8.9 s against
     * 3.6-5.2 s per pass at load 14-23). The price: ~380 MB of forward buffers for the paper's model
     * (peak RSS of the forward benchmark 780 MB against 400 MB with 2,048).
     */
    static final int FORWARD_CHUNK = 10_000;
    private static final int STATE_MAGIC = 0x54504445; // "TPDE"
    private static final int STATE_VERSION = 1;
    private static final double EPSILON = 1e-8;

    private final TrainingSetup setup;
    private final TaskDataset data;
    private final DataType dtype;
    private final WarmupSchedule schedule;
    private final MinibatchSampler sampler;
    private final DirectTransformer model;
    private final INDArray parameterVector;
    private final INDArray gradientVector;
    private final INDArray firstMoment;
    private final INDArray secondMoment;
    private final DirectParameters parameters;
    private final DirectParameters gradients;
    private final GradientFilter filter;
    private final AdamW adam;
    /** Forward-only buffers by (samples, last-block queries); a few shapes recur (train and test chunks). */
    private final Map<Long, DirectTransformer.Buffers> forwardBuffers = new LinkedHashMap<>();
    /** Run before each chunk of chunked work; may throw to abandon it (see {@link #checkBetweenChunks}). */
    private Runnable betweenChunks = () -> { };
    private DirectTransformer.Buffers trainBuffers;
    private int[] trainLabels;
    /** Pair indices of the last step's batch (for exporting the batch order). */
    private int[] lastPairs;
    private double[] gradientNorms;
    private long steps;
    private boolean closed;

    public DirectTrainingEngine(TrainingSetup setup) {
        this(setup, DataType.FLOAT);
    }

    DirectTrainingEngine(TrainingSetup setup, DataType dtype) {
        this.setup = setup;
        this.dtype = dtype;
        this.data = TaskDataset.of(setup.task());
        OptimizerSetup opt = setup.optimizer();
        this.schedule = new WarmupSchedule(opt.learningRate(), opt.warmupSteps());
        this.sampler = new MinibatchSampler(data.indices(Split.TRAIN), setup.batchSize(), setup.seed());
        this.model = new DirectTransformer(setup.model(), data.tokenVocabulary(), data.classes(), dtype);
        long count = DirectParameters.count(setup.model(), data.tokenVocabulary(), data.classes());
        this.parameterVector = Nd4j.create(dtype, count);
        this.gradientVector = Nd4j.create(dtype, count);
        this.firstMoment = Nd4j.create(dtype, count);
        this.secondMoment = Nd4j.create(dtype, count);
        this.parameters = new DirectParameters(setup.model(), data.tokenVocabulary(), data.classes(), parameterVector);
        this.gradients = new DirectParameters(setup.model(), data.tokenVocabulary(), data.classes(), gradientVector);
        this.parameters.initialise(setup.model(), setup.seed());
        this.filter = GradientFilter.of(opt.gradientFilter(), count, dtype);
        this.adam = new AdamW(opt.beta1(), opt.beta2(), EPSILON);
        this.gradientNorms = new double[setup.model().layers()];
    }

    @Override
    public TaskDataset dataset() {
        return data;
    }

    @Override
    public StepResult trainStep() {
        open();
        int[] labels = loadNextBatch();
        DirectTransformer.Buffers b = trainBuffers;
        model.embed(b, parameters);
        model.forward(b, parameters);
        Scores scores = model.crossEntropy(b, labels.length, labels, true);
        model.backward(b, parameters, gradients);
        for (int l = 0; l < gradientNorms.length; l++) {
            gradientNorms[l] = HostArray.norm(gradients.blocks[l].all());
        }
        double learningRate = schedule.at(steps);
        update(learningRate);
        long step = steps++;
        return new StepResult(step, scores.meanLoss(), scores.accuracy(), learningRate);
    }

    /** Filter, Adam, decoupled weight decay: {@code w -= adam(filter(g)) + lr·wd·w}. */
    private void update(double learningRate) {
        filter.apply(gradientVector);
        adam.step(parameterVector, gradientVector, firstMoment, secondMoment, learningRate,
                setup.optimizer().weightDecay(), steps);
    }

    /** Loads the step's tokens and labels into the train buffers (once for full batch); returns the labels. */
    private int[] loadNextBatch() {
        if (trainBuffers != null && sampler.fullBatch()) {
            return trainLabels;
        }
        int[] pairs = sampler.next();
        lastPairs = pairs;
        if (trainBuffers == null) {
            trainBuffers = model.buffers(pairs.length, 1, true);
        }
        trainLabels = data.labelsOf(pairs);
        model.loadTokens(trainBuffers, data, pairs);
        return trainLabels;
    }

    @Override
    public Evaluation evaluate() {
        Scores train = scores(data.indices(Split.TRAIN));
        Scores test = scores(data.indices(Split.TEST));
        return new Evaluation(train.meanLoss(), train.accuracy(), test.meanLoss(), test.accuracy());
    }

    private Scores scores(int[] pairs) {
        Scores[] total = {Scores.EMPTY};
        int[] labels = data.labelsOf(pairs);
        forward(pairs, 1, true, (b, from, count) -> total[0] = total[0].plus(
                model.crossEntropy(b, count, Arrays.copyOfRange(labels, from, from + count), false)));
        return total[0];
    }

    @Override
    public float[][][] representations(Split split, Representation representation) {
        int[] pairs = data.indices(split);
        int layers = model.layers;
        float[][][] out = new float[layers][pairs.length][];
        int lastQueries = representation == Representation.RESIDUAL_ALL ? 3 : 1;
        forward(pairs, lastQueries, false, (b, from, count) -> {
            for (int l = 0; l < layers; l++) {
                int first = 3 - b.queries(l);
                switch (representation) {
                    case RESIDUAL_LAST -> copyRows(b.top(b.position(b.input[l + 1], 2, first), count), out[l], from, 0, model.d);
                    case MLP_HIDDEN -> copyRows(b.top(b.position(b.layer[l].hidden, 2, first), count), out[l], from, 0, model.dMlp);
                    case RESIDUAL_ALL -> {
                        for (int t = 0; t < 3; t++) {
                            copyRows(b.top(b.position(b.input[l + 1], t, 0), count), out[l], from, t * model.d, 3 * model.d);
                        }
                    }
                    case ATTENTION_LAST -> model.copyLastQueryPattern(b, l, count, out[l], from);
                }
            }
        });
        return out;
    }

    @Override
    public float[][] embeddedInputs(Split split) {
        open();
        float[][] tokens = new float[model.vocabulary][];
        copyRows(parameters.W_E, tokens, 0, 0, model.d);
        float[][] positions = new float[3][];
        copyRows(parameters.W_pos, positions, 0, 0, model.d);
        int d = model.d;
        int[] pairs = data.indices(split);
        float[][] out = new float[pairs.length][3 * d];
        for (int i = 0; i < pairs.length; i++) {
            int[] ids = {data.a(pairs[i]), data.b(pairs[i]), data.equalsToken()};
            for (int t = 0; t < 3; t++) {
                for (int j = 0; j < d; j++) {
                    out[i][t * d + j] = tokens[ids[t]][j] + positions[t][j];
                }
            }
        }
        return out;
    }

    @Override
    public EmbeddedForward forwardFromEmbedding(float[][] points) {
        open();
        int d = model.d;
        for (int i = 0; i < points.length; i++) {
            if (points[i].length != 3 * d) {
                throw new IllegalArgumentException("point " + i + " has " + points[i].length + " values, expected " + 3 * d);
            }
        }
        int layers = model.layers;
        float[][][] pre = new float[layers][points.length][];
        float[][] logits = new float[points.length][];
        chunks(points.length, 3, (b, from, count) -> {
            float[] x = new float[3 * b.n * d];
            for (int i = 0; i < count; i++) {
                for (int t = 0; t < 3; t++) {
                    System.arraycopy(points[from + i], t * d, x, (t * b.n + i) * d, d);
                }
            }
            b.input[0].assign(Nd4j.create(x, new long[]{3L * b.n, d}, DataType.FLOAT));
            model.forward(b, parameters);
            for (int l = 0; l < layers; l++) {
                for (int t = 0; t < 3; t++) {
                    copyRows(b.top(b.position(b.layer[l].preActivation, t, 0), count), pre[l], from, t * model.dMlp, 3 * model.dMlp);
                }
            }
            copyRows(b.top(b.logits, count), logits, from, 0, model.classes);
        });
        return new EmbeddedForward(pre, logits);
    }

    @FunctionalInterface
    private interface ChunkResult {
        /** Buffers after a forward pass whose first {@code count} samples are inputs {@code from..from+count-1}. */
        void accept(DirectTransformer.Buffers b, int from, int count);
    }

    /** Forward passes over the pairs in chunks of at most {@link #FORWARD_CHUNK}; the logits only if asked. */
    private void forward(int[] pairs, int lastQueries, boolean logits, ChunkResult result) {
        chunks(pairs.length, lastQueries, (b, from, count) -> {
            model.loadTokens(b, data, Arrays.copyOfRange(pairs, from, from + count));
            model.embed(b, parameters);
            model.forward(b, parameters, logits);
            result.accept(b, from, count);
        });
    }

    /** Equal chunks (the last one padded) so that one buffer shape serves the whole pass. */
    private void chunks(int total, int lastQueries, ChunkResult body) {
        open();
        if (total == 0) {
            return;
        }
        int chunkCount = (total + FORWARD_CHUNK - 1) / FORWARD_CHUNK;
        int n = (total + chunkCount - 1) / chunkCount;
        DirectTransformer.Buffers b = forwardBuffers(n, lastQueries);
        for (int from = 0; from < total; from += n) {
            betweenChunks.run();
            body.accept(b, from, Math.min(n, total - from));
        }
    }

    private DirectTransformer.Buffers forwardBuffers(int n, int lastQueries) {
        long key = (long) n * 4 + lastQueries;
        DirectTransformer.Buffers b = forwardBuffers.remove(key);
        if (b == null) {
            b = model.buffers(n, lastQueries, false);
            if (forwardBuffers.size() >= 3) {
                Long eldest = forwardBuffers.keySet().iterator().next();
                forwardBuffers.remove(eldest).close();
            }
        }
        forwardBuffers.put(key, b);
        return b;
    }

    @Override
    public void checkBetweenChunks(Runnable check) {
        betweenChunks = java.util.Objects.requireNonNull(check, "check");
    }

    @Override
    public double[] blockWeightNorms() {
        open();
        double[] out = new double[model.layers];
        for (int l = 0; l < out.length; l++) {
            out[l] = parameters.blocks[l].all().norm2Number().doubleValue();
        }
        return out;
    }

    @Override
    public double[] blockGradientNorms() {
        return gradientNorms.clone();
    }

    @Override
    public byte[] saveState() {
        open();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATE_MAGIC);
            out.writeInt(STATE_VERSION);
            out.writeUTF(fingerprint());
            out.writeLong(steps);
            EngineState.writeArray(out, parameterVector);
            EngineState.writeArray(out, firstMoment);
            EngineState.writeArray(out, secondMoment);
            filter.write(out);
            MinibatchSampler.State s = sampler.state();
            out.writeLong(s.rng());
            out.writeInt(s.order().length);
            for (int v : s.order()) {
                out.writeInt(v);
            }
            out.writeInt(s.position());
            for (double norm : gradientNorms) {
                out.writeDouble(norm);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void restoreState(byte[] state) {
        open();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (in.readInt() != STATE_MAGIC) {
                throw new IllegalArgumentException("not a state of this engine (DirectTrainingEngine)");
            }
            int version = in.readInt();
            if (version != STATE_VERSION) {
                throw new IllegalArgumentException("state format version " + version + ", this engine reads " + STATE_VERSION);
            }
            String fingerprint = in.readUTF();
            if (!fingerprint.equals(fingerprint())) {
                throw new IllegalArgumentException("state of another setup: " + fingerprint + "; this engine: " + fingerprint());
            }
            long restoredSteps = in.readLong();
            EngineState.readArray(in, parameterVector);
            EngineState.readArray(in, firstMoment);
            EngineState.readArray(in, secondMoment);
            filter.read(in);
            long rng = in.readLong();
            int[] order = new int[in.readInt()];
            for (int i = 0; i < order.length; i++) {
                order[i] = in.readInt();
            }
            sampler.restore(new MinibatchSampler.State(rng, order, in.readInt()));
            for (int l = 0; l < gradientNorms.length; l++) {
                gradientNorms[l] = in.readDouble();
            }
            steps = restoredSteps;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt engine state", e);
        }
    }

    /** What must match between the engine that saved a state and the one restoring it. */
    private String fingerprint() {
        return "direct/" + dtype + "/" + setup;
    }

    @Override
    public double weightNorm() {
        open();
        return parameterVector.norm2Number().doubleValue();
    }

    @Override
    public long completedSteps() {
        return steps;
    }

    /** Frees every native buffer. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (trainBuffers != null) {
            trainBuffers.close();
        }
        forwardBuffers.values().forEach(DirectTransformer.Buffers::close);
        forwardBuffers.clear();
        filter.close();
        parameterVector.close();
        gradientVector.close();
        firstMoment.close();
        secondMoment.close();
    }

    /**
     * Writes the current weights as {@code .npy} files and an {@code index.json} into {@code dir}
     * ({@link EngineWeights}; layout in docs/engine-weights.md), tagged with {@link #completedSteps()}.
     */
    public void exportWeights(Path dir) throws IOException {
        open();
        EngineWeights.write(parameters.named(), dir, steps, setup.toString());
    }

    /**
     * Replaces the weights with those in {@code dir} (as {@link #exportWeights} writes them; float32 or
     * float64). Only the weights: the step count, Adam moments and batch order stay, so called before
     * the first step it starts training from the given initial weights.
     */
    public void importWeights(Path dir) throws IOException {
        open();
        EngineWeights.read(parameters.named(), dir);
    }

    /** Pair indices (into the task's table) of the batch of the last {@link #trainStep()}; null before it. */
    int[] lastBatch() {
        if (sampler.fullBatch()) {
            return data.indices(Split.TRAIN);
        }
        return lastPairs == null ? null : lastPairs.clone();
    }

    // --- white-box access for the equivalence and gradient tests (package-private on purpose) ---

    /** Parameter tensors by SameDiff variable name (live views). */
    Map<String, INDArray> parameters() {
        return parameters.named();
    }

    /** Overwrites one parameter tensor, e.g. to start from another engine's weights. */
    void setParameter(String name, INDArray value) {
        INDArray target = parameters.named().get(name);
        if (target == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        target.assign(value.reshape(target.shape()).castTo(dtype));
    }

    /** Gradient tensors by name after {@link #lossAndGradients(int[])}. */
    Map<String, INDArray> gradients() {
        return gradients.named();
    }

    /** Mean cross-entropy of the pairs and its gradient (into {@link #gradients()}), no update. */
    double lossAndGradients(int[] pairs) {
        open();
        try (DirectTransformer.Buffers b = model.buffers(pairs.length, 1, true)) {
            int[] labels = data.labelsOf(pairs);
            model.loadTokens(b, data, pairs);
            model.embed(b, parameters);
            model.forward(b, parameters);
            double loss = model.crossEntropy(b, labels.length, labels, true).meanLoss();
            model.backward(b, parameters, gradients);
            return loss;
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        NativeThreads.elementwiseOnOneThread();
    }
}
