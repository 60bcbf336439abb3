package dev.twophase.platform;

/**
 * @param dataDir   where the cluster lives between restarts (relative paths resolve against the working directory)
 * @param ephemeral a fresh temporary cluster removed at exit (tests)
 * @param port      0 picks a free port
 * @param attach    when a running twophase holds the data directory, use its server instead of failing
 *                  (the token CLI, run beside the service)
 */
record EmbeddedPostgresSettings(String dataDir, boolean ephemeral, int port, boolean attach) {
}
