package dev.twophase.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Raw tensor (de)serialisation for {@link DirectTrainingEngine#saveState()}: big-endian, length
 * first, the values in the array's own precision so that a restore is bit-exact.
 */
final class EngineState {

    private EngineState() {
    }

    static void writeArray(DataOutputStream out, INDArray array) throws IOException {
        out.writeLong(array.length());
        out.writeBoolean(array.dataType() == DataType.DOUBLE);
        INDArray flat = array.reshape(array.length());
        if (array.dataType() == DataType.DOUBLE) {
            double[] values = flat.toDoubleVector();
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Double.BYTES);
            bytes.asDoubleBuffer().put(values);
            out.write(bytes.array());
        } else {
            float[] values = flat.toFloatVector();
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
            bytes.asFloatBuffer().put(values);
            out.write(bytes.array());
        }
    }

    /** Reads into {@code target}, which must have the written length and precision. */
    static void readArray(DataInputStream in, INDArray target) throws IOException {
        long length = in.readLong();
        boolean isDouble = in.readBoolean();
        if (length != target.length() || isDouble != (target.dataType() == DataType.DOUBLE)) {
            throw new IllegalArgumentException("state holds a tensor of " + length + (isDouble ? " doubles" : " floats")
                    + " where this engine has " + target.length() + " " + target.dataType());
        }
        byte[] raw = new byte[Math.toIntExact(length * (isDouble ? Double.BYTES : Float.BYTES))];
        in.readFully(raw);
        ByteBuffer bytes = ByteBuffer.wrap(raw);
        INDArray values;
        if (isDouble) {
            double[] v = new double[(int) length];
            bytes.asDoubleBuffer().get(v);
            values = Nd4j.createFromArray(v);
        } else {
            float[] v = new float[(int) length];
            bytes.asFloatBuffer().get(v);
            values = Nd4j.createFromArray(v);
        }
        target.assign(values.reshape(target.shape()));
        values.close();
    }
}
