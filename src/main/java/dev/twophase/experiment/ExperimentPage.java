package dev.twophase.experiment;

import java.util.List;

/** One page of experiments, newest first. */
public record ExperimentPage(List<ExperimentView> experiments, int limit, int offset, long total) {
}
