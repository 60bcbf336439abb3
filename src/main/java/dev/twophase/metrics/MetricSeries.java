package dev.twophase.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A series as the API returns it: points are [step, value] pairs in step order. */
public record MetricSeries(String name, int layer,
                           @Schema(description = "[step, value] pairs in step order; the step is an integer",
                                   type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY)
                           @JsonSerialize(contentUsing = StepValue.class)
                           List<double[]> points) {

    /** Writes {@code [step, value]} with the step as the integer it is (1000000000000, not 1.0E12). */
    static final class StepValue extends StdSerializer<double[]> {

        StepValue() {
            super(double[].class);
        }

        @Override
        public void serialize(double[] point, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeStartArray();
            out.writeNumber((long) point[0]);
            out.writeNumber(point[1]);
            out.writeEndArray();
        }
    }
}
