package dev.twophase.worker;

import dev.twophase.experiment.spec.LinearMappingNumberSpec;
import dev.twophase.experiment.spec.LocalComplexitySpec;
import dev.twophase.experiment.spec.MeasuresSpec;
import dev.twophase.experiment.spec.MutualInformationSpec;
import dev.twophase.training.SameDiffTrainingEngine;
import dev.twophase.training.TrainingEngine;
import dev.twophase.training.TrainingSetup;
import dev.twophase.training.TrainingSetup.ModelSetup;
import dev.twophase.training.TrainingSetup.ModularOperation;
import dev.twophase.training.TrainingSetup.OptimizerSetup;
import dev.twophase.training.TrainingSetup.TaskSetup;
import dev.twophase.training.TrainingSetup.TaskType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One measurement pass against one training step of the paper's model (division mod 97, 40/60 split,
 * 2 layers, d 128, 4 heads, MLP 512, batch 512), on the engine the worker uses ({@code direct}, the default)
 * or the SameDiff reference ({@code -p engine=samediff}). The pass's metric points go to a
 * buffer that is never flushed. Passes: {@code default} (evaluation, norms, the default estimator: kde with
 * relative noise on the residual at the last position over the 3,764 train inputs), {@code binning} (the same with binning), {@code lc}
 * (default plus local complexity, 25 directions x 50 points x 3 sources), {@code lmn} (default plus the
 * linear mapping number over 20 samples), {@code all} (kde + binning on residual_last and mlp_hidden, lc, lmn).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgs = "-Xmx4g")
public class MeasurementPassBenchmark {

    @Param({"default", "binning", "lc", "lmn", "all"})
    String pass;

    @Param({"direct"})
    String engineName;

    TrainingEngine engine;
    MeasurementPass measurement;
    MetricBuffer buffer;

    @Setup(Level.Trial)
    public void setUp() {
        TrainingSetup setup = new TrainingSetup(
                new TaskSetup(TaskType.MODULAR, ModularOperation.DIV, 97, 0, 0.4, 1),
                new ModelSetup(2, 128, 4, 512), new OptimizerSetup(1e-3, 1.0, 0.9, 0.98, 10), 512, 42);
        engine = switch (engineName) {
            case "direct" -> new dev.twophase.training.DirectTrainingEngine(setup);
            case "samediff" -> new SameDiffTrainingEngine(setup);
            default -> throw new IllegalArgumentException(engineName);
        };
        engine.trainStep();   // builds the gradient graph (SameDiff), warms the buffers (direct)
        MutualInformationSpec kde = MutualInformationSpec.defaultEstimator();
        MutualInformationSpec binning = MutualInformationSpec.binning(30, "adaptive", null, null);
        LocalComplexitySpec lc = new LocalComplexitySpec(25, 0.1, 50);
        LinearMappingNumberSpec lmn = new LinearMappingNumberSpec(20);
        MeasuresSpec spec = switch (pass) {
            case "default" -> new MeasuresSpec(100, null, List.of(kde), null, null);
            case "binning" -> new MeasuresSpec(100, null, List.of(binning), null, null);
            case "lc" -> new MeasuresSpec(100, null, List.of(kde), lc, null);
            case "lmn" -> new MeasuresSpec(100, null, List.of(kde), null, lmn);
            case "all" -> new MeasuresSpec(100, null, List.of(kde, binning, MutualInformationSpec.kde(0.1, 1000),
                    new MutualInformationSpec("kde", "mlp_hidden", "train", null, null, null, null, 0.1, "absolute", 1000),
                    new MutualInformationSpec("binning", "mlp_hidden", "train", 30, "adaptive", null, null, null, null, null)),
                    lc, lmn);
            default -> throw new IllegalArgumentException(pass);
        };
        measurement = new MeasurementPass(spec, 42);
        buffer = new MetricBuffer(null, null, Integer.MAX_VALUE, Long.MAX_VALUE, new Backoff(1_000_000_000L));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public void measurementPass() {
        measurement.measure(engine, 1, 1e-3, buffer);
    }

    /** Parameter-independent; run it with {@code -p pass=default} only. */
    @Benchmark
    public void trainingStep() {
        engine.trainStep();
    }
}
