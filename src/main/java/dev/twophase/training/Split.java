package dev.twophase.training;

/** Which inputs of a task a measurement runs over. */
public enum Split {
    TRAIN, TEST, ALL
}
