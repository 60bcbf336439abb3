package dev.twophase.worker;

import dev.twophase.experiment.spec.LinearMappingNumberSpec;
import dev.twophase.experiment.spec.LocalComplexitySpec;
import dev.twophase.experiment.spec.MeasuresSpec;
import dev.twophase.experiment.spec.MutualInformationSpec;
import dev.twophase.measure.BinningMutualInformation;
import dev.twophase.measure.InformationEstimator;
import dev.twophase.measure.KdeMutualInformation;
import dev.twophase.measure.LinearMappingNumber;
import dev.twophase.measure.LocalComplexity;
import dev.twophase.measure.NoiseChannel;
import dev.twophase.measure.RenyiMutualInformation;
import dev.twophase.measure.RepresentationGeometry;
import dev.twophase.metrics.MetricNames;
import dev.twophase.training.BlasGramProduct;
import dev.twophase.training.Evaluation;
import dev.twophase.training.Representation;
import dev.twophase.training.Split;
import dev.twophase.training.TrainingEngine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * One measurement of a run at one step: full-split evaluation, norms, and the progress measures its
 * spec switched on. Built once per run; the sample points of local complexity and the linear mapping
 * number are drawn from the run's seed, so every pass probes the same inputs.
 */
final class MeasurementPass {

    /** One estimator with the names it writes under. */
    private record Estimator(MutualInformationSpec spec, InformationEstimator estimator, boolean primary) {
    }

    /** The estimators reading one representation over one set of inputs, so it is read once per pass. */
    private record Source(Representation representation, Split split, String suffix) {
    }

    private final Map<Source, List<Estimator>> estimators = new LinkedHashMap<>();
    private final LocalComplexitySpec localComplexity;
    private final LinearMappingNumberSpec linearMappingNumber;
    private final long seed;
    /** Run between the pass's parts (each estimator, local complexity, LMN); may throw to abandon the pass. */
    private final Runnable between;

    MeasurementPass(MeasuresSpec spec, long seed) {
        this(spec, seed, () -> { });
    }

    MeasurementPass(MeasuresSpec spec, long seed, Runnable between) {
        this.seed = seed;
        this.between = between;
        boolean primary = true;
        for (MutualInformationSpec mi : spec.mutualInformation()) {
            Source source = new Source(Representation.valueOf(mi.representation().toUpperCase(Locale.ROOT)),
                    Split.valueOf(mi.inputs().toUpperCase(Locale.ROOT)), mi.seriesSuffix());
            estimators.computeIfAbsent(source, s -> new ArrayList<>()).add(new Estimator(mi, estimator(mi, seed), primary));
            primary = false;
        }
        this.localComplexity = spec.localComplexity();
        this.linearMappingNumber = spec.linearMappingNumber();
    }

    private static InformationEstimator estimator(MutualInformationSpec mi, long seed) {
        if (MutualInformationSpec.BINNING.equals(mi.estimator())) {
            return MutualInformationSpec.FIXED.equals(mi.range())
                    ? new BinningMutualInformation(mi.bins(), BinningMutualInformation.Range.FIXED, mi.lower(), mi.upper())
                    : BinningMutualInformation.layerRange(mi.bins());
        }
        NoiseChannel channel = new NoiseChannel(NoiseChannel.Scale.valueOf(mi.noiseScale().toUpperCase(Locale.ROOT)),
                mi.noiseVariance());
        return MutualInformationSpec.RENYI.equals(mi.estimator())
                ? new RenyiMutualInformation(channel, mi.probes(), seed, BlasGramProduct.INSTANCE)
                : new KdeMutualInformation(channel, mi.probes(), seed, BlasGramProduct.INSTANCE);
    }

    /** @param lr the learning rate of the last step; null at step 0, before any step */
    void measure(TrainingEngine engine, long step, Double lr, MetricBuffer buffer) {
        Evaluation e = engine.evaluate();
        int whole = MetricNames.WHOLE_MODEL;
        buffer.add(MetricNames.TRAIN_LOSS, whole, step, e.trainLoss());
        buffer.add(MetricNames.TRAIN_ACC, whole, step, e.trainAccuracy());
        buffer.add(MetricNames.TEST_LOSS, whole, step, e.testLoss());
        buffer.add(MetricNames.TEST_ACC, whole, step, e.testAccuracy());
        buffer.add(MetricNames.WEIGHT_NORM, whole, step, engine.weightNorm());
        addPerBlock(MetricNames.WEIGHT_NORM, engine.blockWeightNorms(), false, step, buffer);
        if (lr != null) {
            buffer.add(MetricNames.LEARNING_RATE, whole, step, lr);
            addPerBlock(MetricNames.GRAD_NORM, engine.blockGradientNorms(), true, step, buffer);
        }
        for (Map.Entry<Source, List<Estimator>> entry : estimators.entrySet()) {
            mutualInformation(engine, entry.getKey(), entry.getValue(), step, buffer, between);
        }
        if (localComplexity != null) {
            between.run();
            localComplexity(engine, step, buffer);
        }
        if (linearMappingNumber != null) {
            between.run();
            float[][] train = engine.embeddedInputs(Split.TRAIN);
            float[][] samples = rows(train, sample(train.length, linearMappingNumber.samples(), seed + 2));
            double lmn = LinearMappingNumber.of(samples, points -> engine.forwardFromEmbedding(points).logits());
            buffer.add(MetricNames.LMN, whole, step, lmn);
        }
    }

    /** Layer l = block l; with {@code total}, layer 0 the norm of all blocks together. */
    private static void addPerBlock(String name, double[] norms, boolean total, long step, MetricBuffer buffer) {
        double sumOfSquares = 0;
        for (int block = 0; block < norms.length; block++) {
            buffer.add(name, block + 1, step, norms[block]);
            sumOfSquares += norms[block] * norms[block];
        }
        if (total) {
            buffer.add(name, MetricNames.WHOLE_MODEL, step, Math.sqrt(sumOfSquares));
        }
    }

    /** Every estimator of one source, and the representation's geometry beside them, per block. */
    private static void mutualInformation(TrainingEngine engine, Source source, List<Estimator> estimators, long step,
                                          MetricBuffer buffer, Runnable between) {
        between.run();
        float[][][] t = engine.representations(source.split(), source.representation());
        int[] labels = engine.labels(source.split());
        for (int block = 0; block < t.length; block++) {
            int layer = block + 1;
            RepresentationGeometry geometry = RepresentationGeometry.of(t[block], labels, BlasGramProduct.INSTANCE);
            buffer.add(MetricNames.TOTAL_VARIANCE + source.suffix(), layer, step, geometry.totalVariance());
            buffer.add(MetricNames.EFFECTIVE_RANK + source.suffix(), layer, step, geometry.effectiveRank());
            buffer.add(MetricNames.WITHIN_BETWEEN + source.suffix(), layer, step, geometry.withinBetween());
            for (Estimator e : estimators) {
                between.run();
                List<InformationEstimator.Estimate> values = e.estimator().estimates(t[block], labels);
                for (InformationEstimator.Estimate value : values) {
                    buffer.add(e.spec().txSeries(value.variant()), layer, step, value.itx());
                    buffer.add(e.spec().tySeries(value.variant()), layer, step, value.ity());
                }
                if (e.primary()) {
                    buffer.add(MetricNames.MI_TX, layer, step, values.get(0).itx());
                    buffer.add(MetricNames.MI_TY, layer, step, values.get(0).ity());
                }
            }
        }
    }

    /**
     * Around the same seeded train and test inputs every pass, and around Gaussian points with the
     * current per-coordinate mean and sd of the embedded train inputs; radius relative to their RMS norm.
     */
    private void localComplexity(TrainingEngine engine, long step, MetricBuffer buffer) {
        float[][] train = engine.embeddedInputs(Split.TRAIN);
        float[][] test = engine.embeddedInputs(Split.TEST);
        int points = localComplexity.points();
        double radius = localComplexity.radius() * rmsNorm(train);
        LocalComplexity lc = new LocalComplexity(localComplexity.directions(), radius, seed + 3);
        Map<String, float[][]> centres = new LinkedHashMap<>();
        centres.put(MetricNames.LC_TRAIN, rows(train, sample(train.length, points, seed + 4)));
        centres.put(MetricNames.LC_TEST, rows(test, sample(test.length, points, seed + 5)));
        centres.put(MetricNames.LC_RANDOM, gaussianLike(train, points, seed + 6));
        for (Map.Entry<String, float[][]> entry : centres.entrySet()) {
            double[] perBlock = lc.perLayer(entry.getValue(),
                    vertices -> neuronsReachingTheLogits(engine.forwardFromEmbedding(vertices).mlpPreActivations()));
            for (int block = 0; block < perBlock.length; block++) {
                buffer.add(entry.getKey(), block + 1, step, perBlock[block]);
            }
        }
    }

    /**
     * The MLP neurons that can change the prediction: all three positions of every block but the last, whose
     * neurons at positions a and b feed only residual streams no later layer reads (the prediction is read at
     * "="); there only the last position's {@code dMlp} columns (the pre-activations are position-major).
     */
    static float[][][] neuronsReachingTheLogits(float[][][] preActivations) {
        int last = preActivations.length - 1;
        float[][] lastBlock = preActivations[last];
        float[][] atEquals = new float[lastBlock.length][];
        for (int i = 0; i < lastBlock.length; i++) {
            int width = lastBlock[i].length / 3;
            atEquals[i] = java.util.Arrays.copyOfRange(lastBlock[i], 2 * width, 3 * width);
        }
        float[][][] out = preActivations.clone();
        out[last] = atEquals;
        return out;
    }

    private static double rmsNorm(float[][] rows) {
        double sum = 0;
        for (float[] row : rows) {
            for (float v : row) {
                sum += (double) v * v;
            }
        }
        return Math.sqrt(sum / rows.length);
    }

    /** Up to {@code count} distinct row indices out of {@code n}, seeded. */
    private static int[] sample(int n, int count, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        int m = Math.min(n, count);
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(n - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return java.util.Arrays.copyOf(order, m);
    }

    private static float[][] rows(float[][] all, int[] indices) {
        float[][] out = new float[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            out[i] = all[indices[i]];
        }
        return out;
    }

    private static float[][] gaussianLike(float[][] reference, int count, long seed) {
        int width = reference[0].length;
        double[] mean = new double[width];
        double[] sq = new double[width];
        for (float[] row : reference) {
            for (int u = 0; u < width; u++) {
                mean[u] += row[u];
                sq[u] += (double) row[u] * row[u];
            }
        }
        Random random = new Random(seed);
        float[][] out = new float[count][width];
        for (int u = 0; u < width; u++) {
            mean[u] /= reference.length;
            double sd = Math.sqrt(Math.max(0, sq[u] / reference.length - mean[u] * mean[u]));
            for (int i = 0; i < count; i++) {
                out[i][u] = (float) (mean[u] + sd * random.nextGaussian());
            }
        }
        return out;
    }
}
