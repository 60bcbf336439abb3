package dev.twophase.platform;

/**
 * @param dataDir   where the cluster lives between restarts (relative paths resolve against the working directory)
 * @param ephemeral a fresh temporary cluster removed at exit (tests)
 * @param port      0 picks a free port
 */
record EmbeddedPostgresSettings(String dataDir, boolean ephemeral, int port) {
}
