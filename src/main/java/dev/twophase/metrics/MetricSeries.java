package dev.twophase.metrics;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** A series as the API returns it: points are [step, value] pairs in step order. */
public record MetricSeries(String name, int layer,
                           @Schema(description = "[step, value] pairs in step order",
                                   type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY)
                           List<double[]> points) {
}
