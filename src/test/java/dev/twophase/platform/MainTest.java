package dev.twophase.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The token CLI keeps its stdout for the token (issue 18, item 10): logs and stray prints go to stderr. */
class MainTest {

    @Test
    void theTokenCommandLogsToStderr() {
        assertThat(Main.tokenCommandSettings()).containsEntry("quarkus.log.console.stderr", "true")
                .containsEntry("twophase.role", "api").containsEntry("twophase.auth.bootstrap", "false");
    }

    @Test
    void strayPrintsGoToStderrAndResultsToTheRealStdout() {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            PrintStream results = Main.keepStdoutForResults();
            System.out.println("WARN a log line printed to System.out");
            results.println("tp_the-token");
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("tp_the-token" + System.lineSeparator());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("WARN a log line");
    }
}
