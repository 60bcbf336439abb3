package dev.twophase.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.client.ApiClient;
import dev.twophase.client.ApiException;
import dev.twophase.client.api.ExperimentsApi;
import dev.twophase.client.api.MetricsApi;
import dev.twophase.client.api.PhasesApi;
import dev.twophase.client.api.RunsApi;
import dev.twophase.client.api.ServiceApi;
import dev.twophase.client.model.Experiment;
import dev.twophase.client.model.ExperimentPage;
import dev.twophase.client.model.ExperimentSpec;
import dev.twophase.client.model.FieldError;
import dev.twophase.client.model.MetricSeries;
import dev.twophase.client.model.MetricsResponse;
import dev.twophase.client.model.PhaseReport;
import dev.twophase.client.model.Problem;
import dev.twophase.client.model.Run;
import dev.twophase.platform.security.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Uses the Java client that openapi-generator makes from the published openapi.yaml (pom.xml, library
 * {@code native}: java.net.http and Jackson) against the running service, as a user of the contract would.
 */
@QuarkusTest
class GeneratedClientTest {

    @TestHTTPResource("/")
    URL service;

    /**
     * The tiny spec with its estimator as a one-element list: the API also takes a single object there,
     * which openapi.yaml's schema (a list) does not describe, so a generated model cannot read it.
     */
    private static String tinySpec(String name, long steps, int every) {
        return Specs.tiny(name, steps, every).replace("\"mutualInformation\": {\"estimator\": \"binning\", \"bins\": 30}",
                "\"mutualInformation\": [{\"estimator\": \"binning\", \"bins\": 30}]");
    }

    private ApiClient client() {
        ApiClient client = new ApiClient();
        client.updateBaseUri(service.toString().replaceAll("/$", ""));
        client.setRequestInterceptor(request -> request.header("Authorization", TestTokens.bearer(TestTokens.SUBMITTER)));
        return client;
    }

    @Test
    void submitPollQueryMetricsAndReadPhases() throws Exception {
        ApiClient client = client();
        assertThat(new ServiceApi(client).whoAmI().getRole()).hasToString("submitter");

        String name = "client-" + System.nanoTime();
        ExperimentSpec spec = client.getObjectMapper().readValue(tinySpec(name, 120, 20), ExperimentSpec.class)
                .tags(List.of("generated-client"));
        Experiment created = new ExperimentsApi(client).submitExperiment(spec);
        assertThat(created.getName()).isEqualTo(name);
        assertThat(created.getTags()).containsExactly("generated-client");
        UUID runId = created.getRuns().get(0).getId();

        RunsApi runs = new RunsApi(client);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                "succeeded".equals(String.valueOf(runs.getRun(runId).getState())));
        Run run = runs.getRun(runId);
        assertThat(run.getStep()).isEqualTo(120L);

        ExperimentPage found = new ExperimentsApi(client).listExperiments(null, name, null, "succeeded", "generated-client");
        assertThat(found.getExperiments()).extracting(Experiment::getId).containsExactly(created.getId());

        MetricsResponse metrics = new MetricsApi(client).getRunMetrics(runId, null, 0, 1000, List.of("train_acc"), null);
        MetricSeries trainAcc = metrics.getSeries().get(0);
        assertThat(trainAcc.getName()).isEqualTo("train_acc");
        assertThat(trainAcc.getPoints()).extracting(p -> ((Number) p.get(0)).longValue())
                .containsExactly(0L, 20L, 40L, 60L, 80L, 100L, 120L);

        PhaseReport phases = new PhasesApi(client).getRunPhases(runId);
        assertThat(phases.getComplete()).isTrue();
        assertThat(phases.getFitting().getMetric()).isEqualTo("train_acc");
        assertThat(phases.getFitting().getEndStep()).isNotNull();
    }

    @Test
    void aRejectedSpecNamesEachFieldInTheProblem() throws Exception {
        ApiClient client = client();
        ExperimentSpec spec = client.getObjectMapper().readValue(
                tinySpec("client-bad", 100, 20).replace("\"modulus\": 7", "\"modulus\": 1"), ExperimentSpec.class);

        ApiException rejected = catchThrowableOfType(ApiException.class,
                () -> new ExperimentsApi(client).submitExperiment(spec));

        assertThat(rejected.getCode()).isEqualTo(400);
        Problem problem = new ObjectMapper().findAndRegisterModules().readValue(rejected.getResponseBody(), Problem.class);
        assertThat(problem.getStatus()).isEqualTo(400);
        assertThat(problem.getErrors()).extracting(FieldError::getPath).containsExactly("$.task.modulus");
    }

    @Test
    void anExperimentAndARunAreDeletedThroughTheClient() throws Exception {
        ApiClient client = client();
        ExperimentsApi experiments = new ExperimentsApi(client);
        RunsApi runs = new RunsApi(client);
        ExperimentSpec external = client.getObjectMapper().readValue("{\"name\": \"client-delete\", \"external\": true}",
                ExperimentSpec.class);
        Experiment first = experiments.submitExperiment(external);
        Experiment second = experiments.submitExperiment(external);

        runs.deleteRun(first.getRuns().get(0).getId());
        assertThat(catchThrowableOfType(ApiException.class, () -> runs.getRun(first.getRuns().get(0).getId())).getCode())
                .isEqualTo(404);
        experiments.deleteExperiment(second.getId());
        assertThat(catchThrowableOfType(ApiException.class, () -> experiments.getExperiment(second.getId())).getCode())
                .isEqualTo(404);
        assertThat(catchThrowableOfType(ApiException.class, () -> experiments.deleteExperiment(second.getId())).getCode())
                .isEqualTo(404);
    }
}
