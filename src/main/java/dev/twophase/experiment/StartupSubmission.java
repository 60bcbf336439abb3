package dev.twophase.experiment;

import dev.twophase.platform.ProblemException;
import dev.twophase.platform.StrictJson;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.platform.security.TokenBootstrap;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Submits the spec named by {@code twophase.startup.submit} once, so the README's start command
 * leaves a run training at once; a restart finds the experiment by name and does not resubmit.
 */
@ApplicationScoped
public class StartupSubmission {

    @Inject
    TwophaseConfig config;
    @Inject
    ExperimentService experiments;
    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int port;

    void submit(@Observes StartupEvent event) {
        config.startup().submit().ifPresent(this::submit);
    }

    private void submit(String file) {
        try {
            var spec = StrictJson.parse(Files.readString(Path.of(file)));
            String name = spec.path("name").asText();
            if (experiments.existsByName(name)) {
                Log.infof("startup submission: experiment '%s' exists already; not submitting %s again", name, file);
                return;
            }
            ExperimentView created = experiments.submit(spec);
            String runId = created.runs().get(0).id().toString();
            String token = TokenBootstrap.tokenFile(config).map(f -> "$(cat " + f + ")").orElse("$TOKEN");
            String tokenHint = TokenBootstrap.tokenFile(config).map(f -> "cat " + f).orElse("your API token");
            Log.infof("""
                    startup submission: experiment '%s' queued from %s
                      page:    http://localhost:%d/#/runs/%s (it asks once for the token: %s)
                      auth:    AUTH="Authorization: Bearer %s"
                      run:     curl -s -H "$AUTH" localhost:%d/api/v1/runs/%s
                      metrics: curl -s -H "$AUTH" 'localhost:%d/api/v1/runs/%s/metrics?name=train_acc&name=test_acc&maxPoints=20'
                      phases:  curl -s -H "$AUTH" localhost:%d/api/v1/runs/%s/phases""",
                    name, file, port, runId, tokenHint, token, port, runId, port, runId, port, runId);
        } catch (IOException e) {
            Log.errorf("startup submission: cannot read %s: %s", file, e.getMessage());
        } catch (ProblemException e) {
            Log.errorf("startup submission: %s is not a valid spec: %s %s", file, e.getMessage(), e.errors());
        }
    }
}
