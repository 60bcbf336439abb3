package dev.twophase.training;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The checkpoint format of {@link SameDiffTrainingEngine}: completed steps, the updater's iteration
 * and epoch counters (Adam's bias correction and the learning-rate schedule read them), the
 * minibatch sampler (generator, epoch order, position), every trainable variable and its Adam
 * moments ({@code M}, {@code V}), all float32 as trained. Big-endian, versioned, tied to the setup.
 */
final class SameDiffState {

    private static final int MAGIC = 0x54505344; // "TPSD"
    private static final int VERSION = 1;

    private SameDiffState() {
    }

    static byte[] save(SameDiffTrainingEngine engine) {
        SameDiff sd = engine.graph();
        TrainingConfig config = sd.getTrainingConfig();
        MinibatchSampler.State sampler = engine.sampler().state();
        Map<String, GradientUpdater> updaters = sd.getUpdaterMap();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(engine.setupKey());
            out.writeLong(engine.completedSteps());
            out.writeInt(config.getIterationCount());
            out.writeInt(config.getEpochCount());
            out.writeLong(sampler.rng());
            out.writeInt(sampler.position());
            writeInts(out, sampler.order());
            List<SDVariable> variables = engine.trainableVariables();
            out.writeInt(variables.size());
            for (SDVariable v : variables) {
                out.writeUTF(v.name());
                writeFloats(out, v.getArr());
                GradientUpdater updater = updaters == null ? null : updaters.get(v.name());
                Map<String, INDArray> moments = updater == null ? Map.of() : new TreeMap<>(updater.getState());
                out.writeInt(moments.size());
                for (Map.Entry<String, INDArray> m : moments.entrySet()) {
                    out.writeUTF(m.getKey());
                    writeFloats(out, m.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static void restore(SameDiffTrainingEngine engine, byte[] state) {
        SameDiff sd = engine.graph();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a SameDiff engine state");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("SameDiff engine state version " + version + " is not " + VERSION);
            }
            String setup = in.readUTF();
            if (!setup.equals(engine.setupKey())) {
                throw new IllegalArgumentException("state belongs to another setup: " + setup);
            }
            long steps = in.readLong();
            int iterations = in.readInt();
            int epochs = in.readInt();
            long rng = in.readLong();
            int position = in.readInt();
            int[] order = readInts(in);
            int count = in.readInt();
            List<SDVariable> variables = engine.trainableVariables();
            if (count != variables.size()) {
                throw new IllegalArgumentException("state has " + count + " variables, the graph " + variables.size());
            }
            initializeTraining(sd);
            Map<String, GradientUpdater> updaters = sd.getUpdaterMap();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                SDVariable v = sd.getVariable(name);
                if (v == null) {
                    throw new IllegalArgumentException("state names unknown variable " + name);
                }
                assign(v.getArr(), readFloats(in), name);
                int moments = in.readInt();
                Map<String, INDArray> target = moments == 0 ? Map.of() : updaters.get(name).getState();
                for (int m = 0; m < moments; m++) {
                    String key = in.readUTF();
                    INDArray into = target.get(key);
                    if (into == null) {
                        throw new IllegalArgumentException("updater of " + name + " has no state " + key);
                    }
                    assign(into, readFloats(in), name + "/" + key);
                }
            }
            engine.sampler().restore(new MinibatchSampler.State(rng, order, position));
            sd.getTrainingConfig().setIterationCount(iterations);
            sd.getTrainingConfig().setEpochCount(epochs);
            engine.restoreCompletedSteps(steps);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt SameDiff engine state", e);
        }
    }

    /**
     * Creates the updater state (Adam moments) without taking a step, so a fresh engine can take the
     * saved moments; SameDiff only exposes this as a protected method it calls from {@code fit}.
     */
    private static void initializeTraining(SameDiff sd) {
        if (sd.getUpdaterMap() != null) {
            return;
        }
        try {
            Method init = SameDiff.class.getDeclaredMethod("initializeTraining");
            init.setAccessible(true);
            init.invoke(sd);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("this SameDiff version cannot initialise training state", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("initialising training state failed", e.getCause());
        }
    }

    private static void assign(INDArray into, float[] values, String what) {
        if (into.length() != values.length) {
            throw new IllegalArgumentException(what + " has " + into.length() + " values, the state " + values.length);
        }
        into.assign(org.nd4j.linalg.factory.Nd4j.create(values, into.shape(), into.dataType()));
    }

    private static void writeFloats(DataOutputStream out, INDArray array) throws IOException {
        float[] values = array.castTo(DataType.FLOAT).dup().data().asFloat();
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES);
        buffer.asFloatBuffer().put(values);
        out.writeInt(values.length);
        out.write(buffer.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative length");
        }
        byte[] raw = in.readNBytes(n * Float.BYTES);
        if (raw.length != n * Float.BYTES) {
            throw new IOException("truncated");
        }
        float[] values = new float[n];
        ByteBuffer.wrap(raw).asFloatBuffer().get(values);
        return values;
    }

    private static void writeInts(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available() / Integer.BYTES) {
            throw new IOException("bad length " + n);
        }
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readInt();
        }
        return values;
    }
}
