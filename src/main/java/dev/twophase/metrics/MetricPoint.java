package dev.twophase.metrics;

/** One value of series {@code name} at {@code layer} (0 = whole model) after {@code step} optimiser steps. */
public record MetricPoint(String name, int layer, long step, double value) {
}
