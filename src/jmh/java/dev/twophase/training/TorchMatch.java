package dev.twophase.training;

import dev.twophase.training.TrainingSetup.ModelSetup;
import dev.twophase.training.TrainingSetup.ModularOperation;
import dev.twophase.training.TrainingSetup.OptimizerSetup;
import dev.twophase.training.TrainingSetup.TaskSetup;
import dev.twophase.training.TrainingSetup.TaskType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The engine's half of bench/pytorch-match.sh (bench/pytorch_match.py is the PyTorch half): trains
 * the direct engine on a + b mod 31 (train fraction 0.6, 2 layers, d_model 64, 4 heads, d_mlp 256,
 * AdamW lr 1e-3, betas 0.9/0.98, weight decay 1, 10 warm-up steps, batch 512) and writes what the
 * reference needs to replay it: the task table, the split, the initial weights ({@link EngineWeights}),
 * and per step the batch's pair indices and the loss.
 * <ul>
 *   <li>{@code trajectory --out DIR [--steps 2000] [--double-steps 2000] [--seed 0]}: one float32
 *   run ({@code DIR/f32}) and one float64 run ({@code DIR/f64}, the package's double engine) from the
 *   same seed, each with {@code weights0/}, {@code batches.npy} [steps, batch] int32,
 *   {@code loss.npy} [steps] float64 and {@code weights_final/}.</li>
 *   <li>{@code grok --out DIR [--seeds 5] [--cap 6000] [--every 50] [--target 0.95]}: per seed
 *   {@code DIR/seedK/weights0/} and {@code test_accuracy.npy} (after every {@code every} steps) and the
 *   line {@code seed=K grok_step=S} (S = -1: not reached by the cap).</li>
 * </ul>
 * Both write {@code DIR/task.npy} ([pairs, 3] int32: a, b, label), {@code train.npy},
 * {@code test.npy} and {@code setup.txt} (key=value).
 */
public final class TorchMatch {

    static final int MODULUS = 31;
    static final double TRAIN_FRACTION = 0.6;
    static final long SPLIT_SEED = 1;

    private TorchMatch() {
    }

    static TrainingSetup setup(long seed) {
        return new TrainingSetup(
                new TaskSetup(TaskType.MODULAR, ModularOperation.ADD, MODULUS, 0, TRAIN_FRACTION, SPLIT_SEED),
                new ModelSetup(2, 64, 4, 256),
                new OptimizerSetup(1e-3, 1.0, 0.9, 0.98, 10),
                512, seed);
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: TorchMatch trajectory|grok --out DIR [options]");
        }
        String mode = args[0];
        Path out = null;
        int steps = 2000;
        int doubleSteps = 2000;
        long seed = 0;
        int seeds = 5;
        int cap = 6000;
        int every = 50;
        double target = 0.95;
        for (int i = 1; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--out" -> out = Path.of(value);
                case "--steps" -> steps = Integer.parseInt(value);
                case "--double-steps" -> doubleSteps = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--seeds" -> seeds = Integer.parseInt(value);
                case "--cap" -> cap = Integer.parseInt(value);
                case "--every" -> every = Integer.parseInt(value);
                case "--target" -> target = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        Files.createDirectories(out);
        switch (mode) {
            case "trajectory" -> {
                writeTask(out, setup(seed), steps, 0);
                trajectory(setup(seed), DataType.FLOAT, steps, out.resolve("f32"));
                if (doubleSteps > 0) {
                    trajectory(setup(seed), DataType.DOUBLE, doubleSteps, out.resolve("f64"));
                }
            }
            case "grok" -> {
                writeTask(out, setup(0), cap, every);
                List<String> lines = new ArrayList<>();
                for (int s = 0; s < seeds; s++) {
                    String line = grok(setup(s), cap, every, target, out.resolve("seed" + s));
                    System.out.println(line);
                    lines.add(line);
                }
                Files.write(out.resolve("grok_engine.txt"), lines);
            }
            default -> throw new IllegalArgumentException("mode is trajectory or grok, was " + mode);
        }
    }

    /** The table, split and hyperparameters the reference rebuilds the run from. */
    private static void writeTask(Path out, TrainingSetup setup, int steps, int every) throws IOException {
        TaskDataset data = TaskDataset.of(setup.task());
        int[] table = new int[data.size() * 3];
        for (int i = 0; i < data.size(); i++) {
            table[3 * i] = data.a(i);
            table[3 * i + 1] = data.b(i);
            table[3 * i + 2] = data.label(i);
        }
        Npy.ofInts(table, data.size(), 3).write(out.resolve("task.npy"));
        int[] train = data.indices(Split.TRAIN);
        int[] test = data.indices(Split.TEST);
        Npy.ofInts(train, train.length).write(out.resolve("train.npy"));
        Npy.ofInts(test, test.length).write(out.resolve("test.npy"));
        ModelSetup m = setup.model();
        OptimizerSetup o = setup.optimizer();
        String text = String.format(Locale.ROOT, """
                        modulus=%d
                        vocabulary=%d
                        classes=%d
                        layers=%d
                        d_model=%d
                        heads=%d
                        d_mlp=%d
                        lr=%s
                        weight_decay=%s
                        beta1=%s
                        beta2=%s
                        epsilon=1e-8
                        warmup=%d
                        batch=%d
                        steps=%d
                        every=%d
                        """, MODULUS, data.tokenVocabulary(), data.classes(), m.layers(), m.dModel(), m.heads(), m.dMlp(),
                o.learningRate(), o.weightDecay(), o.beta1(), o.beta2(), o.warmupSteps(), setup.batchSize(), steps, every);
        Files.writeString(out.resolve("setup.txt"), text);
    }

    private static void trajectory(TrainingSetup setup, DataType dtype, int steps, Path dir) throws IOException {
        try (DirectTrainingEngine engine = new DirectTrainingEngine(setup, dtype)) {
            engine.exportWeights(dir.resolve("weights0"));
            int batch = Math.min(setup.batchSize(), engine.dataset().trainSize());
            int[] batches = new int[steps * batch];
            double[] loss = new double[steps];
            double[] accuracy = new double[steps];
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                StepResult r = engine.trainStep();
                loss[i] = r.loss();
                accuracy[i] = r.accuracy();
                System.arraycopy(engine.lastBatch(), 0, batches, i * batch, batch);
            }
            double ms = (System.nanoTime() - start) / 1e6 / steps;
            engine.exportWeights(dir.resolve("weights_final"));
            Npy.ofInts(batches, steps, batch).write(dir.resolve("batches.npy"));
            Npy.ofDoubles(loss, steps).write(dir.resolve("loss.npy"));
            Npy.ofDoubles(accuracy, steps).write(dir.resolve("accuracy.npy"));
            System.out.printf(Locale.ROOT, "engine %s: %d steps, %.2f ms/step, loss %.6g -> %.6g%n",
                    dtype, steps, ms, loss[0], loss[steps - 1]);
        }
    }

    private static String grok(TrainingSetup setup, int cap, int every, double target, Path dir) throws IOException {
        try (DirectTrainingEngine engine = new DirectTrainingEngine(setup)) {
            engine.exportWeights(dir.resolve("weights0"));
            List<Double> curve = new ArrayList<>();
            int reached = -1;
            for (int step = 1; step <= cap; step++) {
                engine.trainStep();
                if (step % every == 0) {
                    double accuracy = engine.evaluate().testAccuracy();
                    curve.add(accuracy);
                    if (accuracy >= target) {
                        reached = step;
                        break;
                    }
                }
            }
            Npy.ofDoubles(curve.stream().mapToDouble(Double::doubleValue).toArray(), curve.size())
                    .write(dir.resolve("test_accuracy.npy"));
            return "seed=" + setup.seed() + " grok_step=" + reached;
        }
    }
}
