package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
/** @param every progress measures are taken every this many optimiser steps */
public record MeasuresSpec(@Schema(minimum = "1", description = "evaluation and progress-measure cadence in steps; default min(100, steps)") int every,
                           MutualInformationSpec mutualInformation) {
}
