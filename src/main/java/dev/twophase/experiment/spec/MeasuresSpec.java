package dev.twophase.experiment.spec;

/** @param every progress measures are taken every this many optimiser steps */
public record MeasuresSpec(int every, MutualInformationSpec mutualInformation) {
}
