package dev.twophase.experiment.spec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a spec costs a worker, estimated from its sizes before anything runs, so that one spec
 * cannot occupy a worker (or its memory) without bound. Floating-point operations count a
 * multiply-add as two; the estimates follow the direct engine and the measures' algorithms and are
 * meant to within a small factor, not exactly.
 *
 * <p>One forward pass of one input ({@code a, b, =}) through L blocks of width d with an MLP of width
 * m costs f = 2·(3·L·(4d² + 2dm + 6d) + d·classes): the four attention projections and the MLP at
 * three positions, the 3x3 attention itself, the unembedding at the last position.
 *
 * @param stepFlops    one optimiser step: forward and backward (3f) over min(batchSize, train pairs) inputs
 * @param measureFlops one measurement pass: the full-split evaluation (f per pair), one forward pass per
 *                     representation and inputs the estimators read, each estimator (kde: its probes
 *                     against all rows of every block; binning: a pass over them), and local complexity
 *                     and the linear mapping number (f per probe point)
 * @param measureBytes the largest set of activations one pass holds at once (floats of every block for
 *                     every input a representation is read over, or the embedded inputs)
 * @param parts        the measurement pass's cost by part, as the error message lists it
 */
public record SpecCost(double stepFlops, double measureFlops, long measureBytes, List<String> parts) {

    /** Rows of a Java float[] beyond its values: header and reference, roughly. */
    private static final int ROW_OVERHEAD_BYTES = 24;
    /** kde per probe and row: the distance (2·width flops, counted apart) and four exponentials and sums. */
    private static final int KDE_PER_PAIR = 40;
    /** binning per row and unit: bin index, hashing the row's bins. */
    private static final int BINNING_PER_VALUE = 10;

    public static SpecCost of(TaskSpec task, ModelSpec model, TrainingSpec training, MeasuresSpec measures) {
        long pairs = task.pairCount();
        long train = task.trainPairCount();
        long test = pairs - train;
        int layers = model.layers();
        double d = model.dModel();
        double m = model.dMlp();
        double forward = 2 * (3 * layers * (4 * d * d + 2 * d * m + 6 * d) + d * task.classes());
        double step = 3 * forward * Math.min(training.batchSize(), train);

        List<String> parts = new ArrayList<>();
        double evaluation = forward * pairs;
        parts.add(String.format(Locale.ROOT, "evaluation of %d pairs %.2g", pairs, evaluation));
        double flops = evaluation;
        long bytes = 0;
        Set<String> sources = new LinkedHashSet<>();
        double mutualInformation = 0;
        for (MutualInformationSpec mi : measures.mutualInformation()) {
            long rows = switch (mi.inputs()) {
                case "test" -> test;
                case "all" -> pairs;
                default -> train;
            };
            double width = switch (mi.representation()) {
                case "mlp_hidden" -> m;
                case "residual_all" -> 3 * d;
                default -> d;
            };
            if (sources.add(mi.representation() + "/" + mi.inputs())) {
                mutualInformation += forward * rows;
                bytes = Math.max(bytes, (long) (layers * rows * (width * Float.BYTES + ROW_OVERHEAD_BYTES)));
            }
            double perBlock = MutualInformationSpec.BINNING.equals(mi.estimator())
                    ? rows * width * BINNING_PER_VALUE
                    : Math.min(rows, mi.probes()) * (double) rows * (2 * width + KDE_PER_PAIR);
            mutualInformation += layers * perBlock;
        }
        parts.add(String.format(Locale.ROOT, "mutual information %.2g", mutualInformation));
        flops += mutualInformation;
        if (measures.localComplexity() != null || measures.linearMappingNumber() != null) {
            // Both probe the embedding space: the embedded train (and test) inputs are copied out first.
            bytes = Math.max(bytes, (long) (pairs * (3 * d * Float.BYTES + ROW_OVERHEAD_BYTES)));
        }
        if (measures.localComplexity() != null) {
            LocalComplexitySpec lc = measures.localComplexity();
            double vertices = 3.0 * lc.points() * 2 * lc.directions();
            double localComplexity = forward * vertices + vertices * 3 * d * lc.directions();
            parts.add(String.format(Locale.ROOT, "local complexity %.2g", localComplexity));
            flops += localComplexity;
            bytes = Math.max(bytes, (long) (layers * vertices * (3 * m * Float.BYTES + ROW_OVERHEAD_BYTES)));
        }
        if (measures.linearMappingNumber() != null) {
            int samples = measures.linearMappingNumber().samples();
            double points = samples * (samples - 1) / 2.0 * 21;
            double linearMappingNumber = forward * points;
            parts.add(String.format(Locale.ROOT, "linear mapping number %.2g", linearMappingNumber));
            flops += linearMappingNumber;
        }
        return new SpecCost(step, flops, bytes, List.copyOf(parts));
    }
}
