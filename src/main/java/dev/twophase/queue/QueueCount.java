package dev.twophase.queue;

/** Runs in one state for one device class. */
public record QueueCount(String state, String device, long count) {
}
