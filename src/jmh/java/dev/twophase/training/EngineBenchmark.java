package dev.twophase.training;

import dev.twophase.training.TrainingSetup.GradientFilterSetup;
import dev.twophase.training.TrainingSetup.ModelSetup;
import dev.twophase.training.TrainingSetup.ModularOperation;
import dev.twophase.training.TrainingSetup.OptimizerSetup;
import dev.twophase.training.TrainingSetup.TaskSetup;
import dev.twophase.training.TrainingSetup.TaskType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times one engine alone on the paper's model (bench/train-step.sh runs it; bench/train_step_pytorch.py
 * is the same in PyTorch). Modes: {@code train} times {@code trainStep()}; {@code forward} times one
 * forward pass over every input returning each block's residual stream at all positions
 * ({@code representations(ALL, RESIDUAL_ALL)}). Last line: {@code median_ms=.. p90_ms=.. rss_mb=..}
 * (peak resident set of the whole process).
 */
public final class EngineBenchmark {

    private EngineBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int modulus = 97;
        int batch = 512;
        int steps = 60;
        int warmup = 20;
        double trainFraction = 0.3;
        String engine = "direct";
        String mode = "train";
        ModularOperation operation = ModularOperation.ADD;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--modulus" -> modulus = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--steps" -> steps = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--train-fraction" -> trainFraction = Double.parseDouble(value);
                case "--engine" -> engine = value;
                case "--mode" -> mode = value;
                case "--operation" -> operation = ModularOperation.valueOf(value.toUpperCase(Locale.ROOT));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        TrainingSetup setup = new TrainingSetup(
                new TaskSetup(TaskType.MODULAR, operation, modulus, 0, trainFraction, 1),
                new ModelSetup(2, 128, 4, 512),
                new OptimizerSetup(1e-3, 1.0, 0.9, 0.98, 10, GradientFilterSetup.NONE),
                batch <= 0 ? Integer.MAX_VALUE : batch, 0);
        TrainingEngineFactory factory = switch (engine) {
            case "direct" -> new DirectTrainingEngineFactory();
            case "samediff" -> new SameDiffTrainingEngineFactory();
            default -> throw new IllegalArgumentException("engine is direct or samediff, was " + engine);
        };
        // Which ND4J backend loaded, and on what (the GPU check reads this line).
        System.out.printf(Locale.ROOT, "backend=%s cpu=%s info=%s%n", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName(),
                org.nd4j.linalg.factory.Nd4j.getEnvironment().isCPU(),
                org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation());
        double[] times = new double[steps];
        try (TrainingEngine e = factory.create(setup)) {
            double checksum = 0;
            for (int i = 0; i < warmup + steps; i++) {
                long start = System.nanoTime();
                if (mode.equals("train")) {
                    checksum += e.trainStep().loss();
                } else {
                    checksum += e.representations(Split.ALL, Representation.RESIDUAL_ALL)[1][0][0];
                }
                double ms = (System.nanoTime() - start) / 1e6;
                if (i >= warmup) {
                    times[i - warmup] = ms;
                }
            }
            System.out.printf(Locale.ROOT, "engine=%s mode=%s modulus=%d batch=%d train=%d checksum=%.6f%n", engine, mode,
                    modulus, batch, e.labels(Split.TRAIN).length, checksum);
        }
        Arrays.sort(times);
        System.out.printf(Locale.ROOT, "median_ms=%.2f p90_ms=%.2f rss_mb=%.1f%n", percentile(times, 0.5),
                percentile(times, 0.9), peakRssMb());
    }

    private static double percentile(double[] sorted, double q) {
        double rank = q * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    /** VmHWM of this process (Linux); NaN elsewhere. */
    private static double peakRssMb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return Double.NaN;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
