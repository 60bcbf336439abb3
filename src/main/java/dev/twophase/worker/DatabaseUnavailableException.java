package dev.twophase.worker;

/** The database did not answer before the caller had to give up (a stopping worker's deadline). */
final class DatabaseUnavailableException extends Exception {
    DatabaseUnavailableException(String message) {
        super(message);
    }
}
