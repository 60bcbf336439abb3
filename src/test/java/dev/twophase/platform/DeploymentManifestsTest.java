package dev.twophase.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Static checks of the container and Kubernetes packaging: {@code Dockerfile}, {@code .dockerignore}
 * and the kustomize tree under {@code k8s/}. Plain JUnit (no Quarkus, no Docker, no cluster).
 */
class DeploymentManifestsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path K8S = ROOT.resolve("k8s");
    private static final Path BASE = K8S.resolve("base");
    private static final Path DEV = K8S.resolve("overlays/dev");
    private static final Path GPU = K8S.resolve("overlays/gpu");
    private static final Path DOCKERFILE = ROOT.resolve("Dockerfile");

    private static final String API = "twophase-api";
    private static final String WORKER = "twophase-worker";
    private static final String DB_SECRET = "twophase-db";
    private static final String CONFIG_MAP = "twophase-config";
    private static final Set<String> KUSTOMIZE_KINDS = Set.of("Kustomization", "Component");

    // ------------------------------------------------------------------ k8s: generic

    @Test
    void everyYamlDocumentUnderK8sIsAKubernetesObject() throws IOException {
        List<Path> files = yamlFilesUnder(K8S);
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            List<Map<String, Object>> docs = loadAll(file);
            assertThat(docs).as("%s has no YAML document", rel(file)).isNotEmpty();
            for (Map<String, Object> doc : docs) {
                assertThat(str(doc.get("apiVersion"))).as("apiVersion in %s", rel(file)).isNotBlank();
                String kind = str(doc.get("kind"));
                assertThat(kind).as("kind in %s", rel(file)).isNotBlank();
                if (!KUSTOMIZE_KINDS.contains(kind)) {
                    assertThat(str(path(doc, "metadata", "name"))).as("metadata.name of %s in %s", kind, rel(file))
                            .isNotBlank();
                }
            }
        }
    }

    @Test
    void everyPathAKustomizationListsExists() throws IOException {
        List<Path> kustomizations = kustomizationFiles();
        assertThat(kustomizations).extracting(DeploymentManifestsTest::rel)
                .contains("k8s/base/kustomization.yaml", "k8s/overlays/dev/kustomization.yaml",
                        "k8s/overlays/gpu/kustomization.yaml");
        for (Path kf : kustomizations) {
            Path dir = kf.getParent();
            Map<String, Object> k = loadOne(kf);
            for (String entry : concat(strings(k.get("resources")), strings(k.get("components")))) {
                Path target = dir.resolve(entry).normalize();
                assertThat(Files.exists(target)).as("%s lists %s which does not exist", rel(kf), entry).isTrue();
                if (Files.isDirectory(target)) {
                    assertThat(Files.exists(target.resolve("kustomization.yaml")))
                            .as("%s lists directory %s without a kustomization.yaml", rel(kf), entry).isTrue();
                }
            }
            for (String patch : patchPaths(k)) {
                assertThat(Files.isRegularFile(dir.resolve(patch))).as("%s patch %s does not exist", rel(kf), patch)
                        .isTrue();
            }
        }
    }

    @Test
    void everyYamlFileIsUsedByAKustomizationOrIsAnExample() throws IOException {
        Set<Path> referenced = new LinkedHashSet<>();
        for (Path kf : kustomizationFiles()) {
            Map<String, Object> k = loadOne(kf);
            strings(k.get("resources")).forEach(r -> referenced.add(kf.getParent().resolve(r).normalize()));
            patchPaths(k).forEach(p -> referenced.add(kf.getParent().resolve(p).normalize()));
        }
        for (Path file : yamlFilesUnder(K8S)) {
            if (file.getFileName().toString().equals("kustomization.yaml")
                    || file.getFileName().toString().endsWith(".example.yaml")) {
                continue;
            }
            assertThat(referenced).as("%s is not referenced by any kustomization.yaml (typo?)", rel(file))
                    .contains(file.normalize());
        }
    }

    @Test
    void noSecretValuesAreShippedThroughKustomize() throws IOException {
        for (Path kf : kustomizationFiles()) {
            Map<String, Object> k = loadOne(kf);
            assertThat(k.get("secretGenerator")).as("secretGenerator in %s would commit secret values", rel(kf))
                    .isNull();
            for (Path file : resourceFiles(kf.getParent())) {
                assertThat(file.getFileName().toString()).as("example file listed as a resource by %s", rel(kf))
                        .doesNotEndWith(".example.yaml");
                for (Map<String, Object> doc : loadAll(file)) {
                    if ("Secret".equals(doc.get("kind"))) {
                        assertThat(isEmpty(doc.get("data")) && isEmpty(doc.get("stringData")))
                                .as("Secret %s in %s carries values", path(doc, "metadata", "name"), rel(file))
                                .isTrue();
                    }
                }
            }
        }
    }

    @Test
    void exampleDbSecretShowsTheKeysTheDeploymentsRead() throws IOException {
        Path example = BASE.resolve("db-secret.example.yaml");
        Map<String, Object> secret = loadOne(example);
        assertThat(secret.get("kind")).isEqualTo("Secret");
        assertThat(path(secret, "metadata", "name")).isEqualTo(DB_SECRET);
        Set<String> exampleKeys = new LinkedHashSet<>(map(secret.get("stringData")).keySet());
        exampleKeys.addAll(map(secret.get("data")).keySet());
        assertThat(exampleKeys).containsExactlyInAnyOrder("jdbc-url", "username", "password", "uri");
        // KEDA's trigger authentication (gpu overlay) reads its key from the same Secret.
        Map<String, Object> auth = Kustomize.render(GPU).stream()
                .filter(o -> "TriggerAuthentication".equals(o.get("kind"))).findFirst().orElseThrow();
        assertThat(maps(path(auth, "spec", "secretTargetRef"))).singleElement().satisfies(ref -> {
            assertThat(ref.get("name")).isEqualTo(DB_SECRET);
            assertThat(exampleKeys).contains(str(ref.get("key")));
        });

        for (String name : List.of(API, WORKER)) {
            Map<String, Object> c = container(baseDeployment(name));
            Map<String, String> secretKeys = new LinkedHashMap<>();
            for (Map<String, Object> e : maps(c.get("env"))) {
                Map<String, Object> ref = map(path(e, "valueFrom", "secretKeyRef"));
                if (!ref.isEmpty()) {
                    assertThat(ref.get("name")).as("%s env %s secret", name, e.get("name")).isEqualTo(DB_SECRET);
                    assertThat(ref.get("optional")).as("%s env %s must not be optional (embedded PostgreSQL)", name,
                            e.get("name")).isNotEqualTo(Boolean.TRUE);
                    secretKeys.put(str(e.get("name")), str(ref.get("key")));
                }
            }
            assertThat(secretKeys).as("database env of %s", name).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "QUARKUS_DATASOURCE_JDBC_URL", "jdbc-url",
                    "QUARKUS_DATASOURCE_USERNAME", "username",
                    "QUARKUS_DATASOURCE_PASSWORD", "password"));
        }
    }

    // ------------------------------------------------------------------ k8s: base workloads

    @Test
    void deploymentsAreProductionShaped() throws IOException {
        List<Map<String, Object>> deployments = baseObjects("Deployment");
        assertThat(deployments).extracting(d -> path(d, "metadata", "name")).containsExactlyInAnyOrder(API, WORKER);
        int dockerUid = dockerRuntimeUid();
        for (Map<String, Object> d : deployments) {
            String name = str(path(d, "metadata", "name"));
            Map<String, Object> pod = map(path(d, "spec", "template", "spec"));
            Map<String, Object> podSecurity = map(pod.get("securityContext"));
            assertThat(podSecurity.get("runAsNonRoot")).as("%s runAsNonRoot", name).isEqualTo(Boolean.TRUE);
            assertThat(podSecurity.get("runAsUser")).as("%s runAsUser matches the Dockerfile USER", name)
                    .isEqualTo(dockerUid);

            Map<String, Object> selector = map(path(d, "spec", "selector", "matchLabels"));
            assertThat(map(path(d, "spec", "template", "metadata", "labels"))).as("%s pod labels", name)
                    .containsAllEntriesOf(selector);

            List<Map<String, Object>> containers = maps(pod.get("containers"));
            assertThat(containers).as("%s containers", name).isNotEmpty();
            for (Map<String, Object> c : containers) {
                String where = name + "/" + c.get("name");
                assertThat(str(c.get("image"))).as("%s image", where).isNotBlank().doesNotEndWith(":latest");
                Map<String, Object> cs = map(c.get("securityContext"));
                assertThat(cs.get("runAsNonRoot")).as("%s container runAsNonRoot", where).isNotEqualTo(Boolean.FALSE);
                assertThat(cs.get("runAsUser")).as("%s container runAsUser", where).isNotEqualTo(0);
                assertThat(cs.get("allowPrivilegeEscalation")).as("%s allowPrivilegeEscalation", where)
                        .isEqualTo(Boolean.FALSE);

                assertHealthProbe(c, "readinessProbe", "/q/health/ready", where);
                assertHealthProbe(c, "livenessProbe", "/q/health/live", where);
                if (c.containsKey("startupProbe")) {
                    assertHealthProbe(c, "startupProbe", "/q/health/", where);
                }

                for (String bound : List.of("requests", "limits")) {
                    Map<String, Object> r = map(path(c, "resources", bound));
                    assertThat(r).as("%s resources.%s", where, bound).containsKeys("cpu", "memory");
                }
                assertThat(bytes(path(c, "resources", "limits", "memory")))
                        .as("%s memory limit >= request", where)
                        .isGreaterThanOrEqualTo(bytes(path(c, "resources", "requests", "memory")));

                Set<String> env = envNames(c);
                assertThat(env).as("%s env", where).contains("TWOPHASE_ROLE", "QUARKUS_DATASOURCE_JDBC_URL",
                        "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD");
            }
            Map<String, Object> annotations = map(path(d, "spec", "template", "metadata", "annotations"));
            assertThat(annotations).as("%s prometheus annotations", name)
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", String.valueOf(dockerExposedPort()))
                    .containsEntry("prometheus.io/path", "/q/metrics");
        }
    }

    @Test
    void apiAndWorkerRolesAndSizing() throws IOException {
        Map<String, Object> api = baseDeployment(API);
        assertThat(path(api, "spec", "replicas")).isEqualTo(2);
        assertThat(envValue(container(api), "TWOPHASE_ROLE")).contains("api");

        Map<String, Object> worker = baseDeployment(WORKER);
        Map<String, Object> wc = container(worker);
        assertThat(envValue(wc, "TWOPHASE_ROLE")).contains("worker");
        assertThat(envValue(wc, "TWOPHASE_WORKER_DEVICE")).contains("cpu");
        assertThat(path(worker, "spec", "template", "spec", "terminationGracePeriodSeconds")).isEqualTo(120);

        // The javacpp cache the image points ND4J at must be a writable emptyDir in the pod.
        String cacheDir = dockerJavacppCacheDir();
        for (Map<String, Object> d : List.of(api, worker)) {
            Map<String, Object> c = container(d);
            String volume = maps(c.get("volumeMounts")).stream()
                    .filter(m -> cacheDir.equals(m.get("mountPath")))
                    .map(m -> str(m.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError(path(d, "metadata", "name") + " does not mount " + cacheDir));
            Map<String, Object> vol = maps(path(d, "spec", "template", "spec", "volumes")).stream()
                    .filter(v -> volume.equals(v.get("name"))).findFirst().orElseThrow();
            assertThat(vol).as("volume %s", volume).containsKey("emptyDir");
        }

        // Off-heap headroom: the heap share is well under the limit, the worker limit is large enough for natives.
        assertThat(dockerMaxRamPercentage()).as("MaxRAMPercentage (ND4J lives off-heap)").isLessThanOrEqualTo(50);
        assertThat(bytes(path(wc, "resources", "limits", "memory"))).as("worker memory limit")
                .isGreaterThanOrEqualTo(2L * 1024 * 1024 * 1024);

        // Both read the shared ConfigMap, and it exists in the base; it holds no role or secrets.
        Map<String, Object> cm = baseObjects("ConfigMap").stream()
                .filter(o -> CONFIG_MAP.equals(path(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("ConfigMap " + CONFIG_MAP + " missing from base"));
        assertThat(map(cm.get("data")).keySet()).noneMatch(k -> k.contains("PASSWORD") || k.contains("JDBC_URL")
                || k.equals("TWOPHASE_ROLE"));
        for (Map<String, Object> d : List.of(api, worker)) {
            assertThat(maps(container(d).get("envFrom"))).extracting(e -> path(e, "configMapRef", "name"))
                    .contains(CONFIG_MAP);
        }
    }

    @Test
    void serviceTargetsThePortTheApiContainerExposes() throws IOException {
        Map<String, Object> svc = baseObjects("Service").stream()
                .filter(o -> API.equals(path(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("Service " + API + " missing"));
        Map<String, Object> api = baseDeployment(API);
        Map<String, Object> worker = baseDeployment(WORKER);

        Map<String, Object> selector = map(path(svc, "spec", "selector"));
        assertThat(selector).isNotEmpty();
        assertThat(map(path(api, "spec", "template", "metadata", "labels"))).containsAllEntriesOf(selector);
        assertThat(map(path(worker, "spec", "template", "metadata", "labels")).entrySet()
                .containsAll(selector.entrySet())).as("the API Service must not select worker pods").isFalse();

        List<Map<String, Object>> ports = maps(path(svc, "spec", "ports"));
        assertThat(ports).extracting(p -> p.get("port")).contains(80);
        Map<String, Object> port80 = ports.stream().filter(p -> Objects.equals(p.get("port"), 80)).findFirst()
                .orElseThrow();
        Object target = port80.get("targetPort");
        assertThat(resolvePort(container(api), target)).as("Service targetPort %s", target)
                .isEqualTo(dockerExposedPort());
    }

    @Test
    void everyContainerImageIsSetByAKustomizeImagesEntry() throws IOException {
        for (Path overlay : List.of(BASE, DEV, GPU)) {
            Map<String, Map<String, Object>> images = imagesEntries(overlay);
            for (String image : containerImages(overlay)) {
                Map<String, Object> entry = images.get(image);
                assertThat(entry).as("%s: no images: entry for %s", rel(overlay), image).isNotNull();
                String tag = str(entry.get("newTag"));
                String digest = str(entry.get("digest"));
                assertThat(!tag.isBlank() && !tag.equals("latest") || digest.startsWith("sha256:"))
                        .as("%s: image %s pinned by newTag/digest", rel(overlay), image).isTrue();
            }
        }
    }

    // ------------------------------------------------------------------ k8s: overlays

    @Test
    void overlayPatchesTargetExistingDeploymentsAndContainers() throws IOException {
        Map<String, Map<String, Object>> baseDeployments = baseObjects("Deployment").stream()
                .collect(Collectors.toMap(d -> str(path(d, "metadata", "name")), d -> d));
        for (Path overlay : List.of(DEV, GPU)) {
            assertThat(strings(loadOne(overlay.resolve("kustomization.yaml")).get("resources"))).contains("../../base");
            for (Map<String, Object> patch : patches(overlay)) {
                String name = str(path(patch, "metadata", "name"));
                assertThat(patch.get("kind")).isEqualTo("Deployment");
                assertThat(baseDeployments).as("%s patches unknown Deployment %s", rel(overlay), name).containsKey(name);
                Set<String> baseContainers = maps(path(baseDeployments.get(name), "spec", "template", "spec",
                        "containers")).stream().map(c -> str(c.get("name"))).collect(Collectors.toSet());
                for (Map<String, Object> c : maps(path(patch, "spec", "template", "spec", "containers"))) {
                    assertThat(baseContainers).as("%s patch container name (strategic-merge key) in %s",
                            rel(overlay), name).contains(str(c.get("name")));
                }
            }
        }
    }

    @Test
    void devOverlayRunsOneApiReplicaAndACpuWorker() throws IOException {
        Map<String, Object> apiPatch = patchFor(DEV, API)
                .orElseThrow(() -> new AssertionError("dev overlay does not patch " + API));
        assertThat(path(apiPatch, "spec", "replicas")).isEqualTo(1);
        for (Map<String, Object> patch : patches(DEV)) {
            for (Map<String, Object> c : maps(path(patch, "spec", "template", "spec", "containers"))) {
                assertThat(envValue(c, "TWOPHASE_WORKER_DEVICE")).isNotEqualTo(Optional.of("gpu"));
                assertThat(map(path(c, "resources", "limits"))).doesNotContainKey("nvidia.com/gpu");
                assertThat(str(c.get("image"))).doesNotContain("gpu");
            }
        }
    }

    @Test
    void gpuOverlayRequestsAndToleratesAGpu() throws IOException {
        Map<String, Object> patch = patchFor(GPU, WORKER)
                .orElseThrow(() -> new AssertionError("gpu overlay does not patch " + WORKER));
        Map<String, Object> pod = map(path(patch, "spec", "template", "spec"));
        Map<String, Object> c = maps(pod.get("containers")).stream()
                .filter(x -> "worker".equals(x.get("name")) || x.containsKey("resources")).findFirst()
                .orElseThrow(() -> new AssertionError("gpu patch has no worker container"));
        assertThat(c.get("image")).isEqualTo("twophase-worker-gpu");
        assertThat(envValue(c, "TWOPHASE_WORKER_DEVICE")).contains("gpu");
        assertThat(String.valueOf(path(c, "resources", "limits", "nvidia.com/gpu"))).isEqualTo("1");

        assertThat(maps(pod.get("tolerations"))).anySatisfy(t -> {
            assertThat(t.get("key")).isEqualTo("nvidia.com/gpu");
            assertThat(t.get("operator")).isEqualTo("Exists");
            assertThat(t.get("effect")).isEqualTo("NoSchedule");
        });
        assertThat(map(pod.get("nodeSelector"))).isNotEmpty();
        assertThat(imagesEntries(GPU)).containsKey("twophase-worker-gpu");
        // The API stays on the CPU image.
        assertThat(patchFor(GPU, API)).isEmpty();
    }

    @Test
    void apiKeepsAPodThroughVoluntaryDisruptions() throws IOException {
        Map<String, Object> pdb = baseObjects("PodDisruptionBudget").stream()
                .filter(o -> API.equals(path(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("PodDisruptionBudget " + API + " missing from base"));
        Object minAvailable = path(pdb, "spec", "minAvailable");
        assertThat(minAvailable).as("minAvailable (a count)").isInstanceOf(Integer.class);
        int replicas = (Integer) path(baseDeployment(API), "spec", "replicas");
        assertThat((Integer) minAvailable).as("the budget lets a drain proceed with %d replicas", replicas)
                .isBetween(1, replicas - 1);
        assertThat(map(path(pdb, "spec", "selector", "matchLabels")))
                .isEqualTo(map(path(baseDeployment(API), "spec", "selector", "matchLabels")));
    }

    @Test
    void gpuWorkersScaleWithKedaOnTheirOwnDeviceQueue() throws IOException {
        List<Map<String, Object>> gpu = Kustomize.render(GPU);
        Map<String, Object> scaled = only(gpu, "ScaledObject");
        Map<String, Object> worker = gpu.stream().filter(o -> "Deployment".equals(o.get("kind"))
                && WORKER.equals(path(o, "metadata", "name"))).findFirst().orElseThrow();
        assertThat(path(scaled, "spec", "scaleTargetRef", "name")).isEqualTo(WORKER);
        assertThat(path(worker, "spec", "replicas")).as("KEDA owns the replica count").isNull();
        assertThat(path(scaled, "spec", "minReplicaCount")).as("no GPU node held while nothing waits").isEqualTo(0);
        assertThat((Integer) path(scaled, "spec", "maxReplicaCount")).isPositive();

        Map<String, Object> trigger = maps(path(scaled, "spec", "triggers")).get(0);
        assertThat(trigger.get("type")).isEqualTo("postgresql");
        String query = str(path(trigger, "metadata", "query"));
        Map<String, Object> c = container(worker);
        String device = envValue(c, "TWOPHASE_WORKER_DEVICE").orElseThrow();
        assertThat(device).isEqualTo("gpu");
        assertThat(query).as("the query counts the worker's own device class").contains("device = '" + device + "'");
        // One pod per run: the target is the number of runs a pod trains at once.
        Map<String, Object> cm = gpu.stream().filter(o -> CONFIG_MAP.equals(path(o, "metadata", "name"))).findFirst()
                .orElseThrow();
        assertThat(path(trigger, "metadata", "targetQueryValue")).isEqualTo(path(cm, "data", "TWOPHASE_WORKER_THREADS"));

        // Long enough to checkpoint a GPU run: more than the CPU worker's.
        Object grace = path(worker, "spec", "template", "spec", "terminationGracePeriodSeconds");
        assertThat((Integer) grace).isGreaterThan(120);
        assertThat(path(c, "resources", "limits", "nvidia.com/gpu")).isEqualTo(1);
        assertThat(Kustomize.render(DEV)).noneMatch(o -> "ScaledObject".equals(o.get("kind")));
    }

    @Test
    void grafanaProvisioningIsGeneratedFromTheDashboardFiles() throws IOException {
        Path grafana = ROOT.resolve("grafana");
        List<Path> dashboards;
        try (Stream<Path> s = Files.list(grafana.resolve("dashboards"))) {
            dashboards = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(dashboards).hasSize(3);
        Map<String, Object> cm = Kustomize.render(BASE).stream()
                .filter(o -> "twophase-grafana-dashboards".equals(path(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("dashboards ConfigMap missing from the base render"));
        assertThat(map(path(cm, "metadata", "labels"))).containsEntry("grafana_dashboard", "1");
        for (Path d : dashboards) {
            assertThat(path(cm, "data", d.getFileName().toString())).as("%s in the ConfigMap", d.getFileName())
                    .isEqualTo(Files.readString(d));
        }
        Map<String, Object> ds = Kustomize.render(BASE).stream()
                .filter(o -> "twophase-grafana-datasources".equals(path(o, "metadata", "name"))).findFirst()
                .orElseThrow();
        assertThat(map(path(ds, "metadata", "labels"))).containsEntry("grafana_datasource", "1");
    }

    private static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> found = objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    // ------------------------------------------------------------------ Dockerfile

    @Test
    void everyFromImageIsPinned() throws IOException {
        List<Stage> stages = stages();
        assertThat(stages).extracting(s -> s.name).contains("build", "gpu");
        Set<String> seen = new LinkedHashSet<>();
        for (Stage s : stages) {
            if (!seen.contains(s.from)) {
                assertThat(isPinned(s.from)).as("FROM %s is not pinned to a specific tag or digest", s.from).isTrue();
            }
            if (s.name != null) {
                seen.add(s.name);
            }
        }
        Stage gpu = stage("gpu");
        assertThat(gpu.from).startsWith("nvidia/cuda:11.6");
        Stage last = stages.get(stages.size() - 1);
        assertThat(last.name).as("default target (last stage) is the CPU runtime").isNotEqualTo("gpu");
        assertThat(baseImage(last)).startsWith("eclipse-temurin:17");
        assertThat(baseImage(stage("build"))).startsWith("maven:3.9");
    }

    @Test
    void buildStageCachesDependenciesAndHonoursMavenProfiles() throws IOException {
        Stage build = stage("build");
        List<Instr> in = build.instructions;
        assertThat(in).anyMatch(i -> i.keyword.equals("ARG") && i.args.startsWith("MAVEN_PROFILES"));
        int goOffline = indexOf(in, i -> i.keyword.equals("RUN") && i.args.contains("dependency:go-offline"));
        int copySrc = indexOf(in, i -> i.keyword.equals("COPY") && copySources(i).contains("src"));
        int copyPom = indexOf(in, i -> i.keyword.equals("COPY") && copySources(i).contains("pom.xml"));
        int pkg = indexOf(in, i -> i.keyword.equals("RUN") && i.args.contains(" package"));
        assertThat(copyPom).as("COPY pom.xml").isGreaterThanOrEqualTo(0);
        assertThat(goOffline).as("go-offline after COPY pom.xml, before COPY src").isGreaterThan(copyPom)
                .isLessThan(copySrc);
        assertThat(pkg).as("package after COPY src").isGreaterThan(copySrc);
        assertThat(in.get(pkg).args).contains("-DskipTests").contains("${MAVEN_PROFILES:+-P${MAVEN_PROFILES}}");
        assertThat(in.get(goOffline).args).contains("${MAVEN_PROFILES:+-P${MAVEN_PROFILES}}");
    }

    @Test
    void runtimeStagesRunAsNonRootAndCarryTheFastJar() throws IOException {
        for (Stage s : runtimeStages()) {
            String user = effective(s, "USER").orElseThrow(() -> new AssertionError(s.name + " has no USER"));
            String uid = user.split(":")[0].trim();
            assertThat(uid).as("USER of stage %s", s.name).isNotIn("root", "0", "").matches("\\d+");

            List<String> copied = s.instructions.stream()
                    .filter(i -> i.keyword.equals("COPY") && i.args.contains("--from=build"))
                    .flatMap(i -> copySources(i).stream()).toList();
            assertThat(copied).as("fast-jar layers copied into %s", s.name).containsExactly(
                    "/build/target/quarkus-app/lib/", "/build/target/quarkus-app/*.jar",
                    "/build/target/quarkus-app/app/", "/build/target/quarkus-app/quarkus/");

            String entrypoint = effective(s, "ENTRYPOINT").orElseThrow();
            assertThat(entrypoint).contains("/app/quarkus-run.jar").contains("JAVA_OPTS").contains("exec java");
            String env = s.instructions.stream().filter(i -> i.keyword.equals("ENV")).map(i -> i.args)
                    .collect(Collectors.joining(" "));
            String cacheDir = dockerJavacppCacheDir();
            assertThat(env).contains("-Dorg.bytedeco.javacpp.cachedir=" + cacheDir).contains("-XX:MaxRAMPercentage=");
            // The cache directory exists and belongs to the runtime user.
            assertThat(s.instructions).anyMatch(i -> i.keyword.equals("RUN") && i.args.contains("mkdir")
                    && i.args.contains(cacheDir) && i.args.contains("chown " + uid));
        }
    }

    /**
     * Issue 18, item 10: the service binds loopback unless told otherwise (the embedded default is a
     * one-user setup); the images and the pods' ConfigMap bind all interfaces, as a pod must.
     */
    @Test
    void theServiceBindsLoopbackByDefaultAndAllInterfacesInContainers() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("src/main/resources/application.properties"))) {
            p.load(r);
        }
        assertThat(p.getProperty("quarkus.http.host")).isEqualTo("127.0.0.1");
        for (Stage s : runtimeStages()) {
            String env = s.instructions.stream().filter(i -> i.keyword.equals("ENV")).map(i -> i.args)
                    .collect(Collectors.joining(" "));
            assertThat(env).as("ENV of %s", s.name).contains("QUARKUS_HTTP_HOST=0.0.0.0");
        }
        Map<String, Object> cm = baseObjects("ConfigMap").stream()
                .filter(o -> CONFIG_MAP.equals(path(o, "metadata", "name"))).findFirst().orElseThrow();
        assertThat(map(cm.get("data"))).containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0");
    }

    @Test
    void exposedPortMatchesQuarkusHttpPortAndHealthcheck() throws IOException {
        int expected = 8080;
        Path props = ROOT.resolve("src/main/resources/application.properties");
        if (Files.exists(props)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(props)) {
                p.load(r);
            }
            expected = Integer.parseInt(p.getProperty("quarkus.http.port", "8080").trim());
        }
        for (Stage s : runtimeStages()) {
            assertThat(effective(s, "EXPOSE")).as("EXPOSE in %s", s.name).contains(String.valueOf(expected));
            String hc = effective(s, "HEALTHCHECK").orElseThrow(() -> new AssertionError(s.name + ": no HEALTHCHECK"));
            assertThat(hc).contains(":" + expected + "/q/health");
            // The probe binary must be installed in that image.
            String tool = hc.contains("curl") ? "curl" : hc.contains("wget") ? "wget" : null;
            assertThat(tool).as("HEALTHCHECK uses curl or wget").isNotNull();
            assertThat(chain(s).stream().flatMap(x -> x.instructions.stream()))
                    .as("%s installs %s for its HEALTHCHECK", s.name, tool)
                    .anyMatch(i -> i.keyword.equals("RUN") && i.args.contains("install") && i.args.contains(tool));
        }
        for (Map<String, Object> d : baseObjects("Deployment")) {
            assertThat(maps(container(d).get("ports"))).extracting(p -> p.get("containerPort")).contains(expected);
        }
    }

    @Test
    void copySourcesExistAndDockerignoreKeepsThem() throws IOException {
        List<String> sources = parse().stream()
                .filter(i -> i.keyword.equals("COPY") || i.keyword.equals("ADD"))
                .filter(i -> !i.args.contains("--from="))
                .flatMap(i -> copySources(i).stream()).distinct().toList();
        // The build context needs exactly these (migrations/ is part of the final repository).
        assertThat(sources).containsExactlyInAnyOrder("pom.xml", "mvnw", ".mvn", "src", "migrations");
        for (String src : sources) {
            assertThat(Files.exists(ROOT.resolve(src))).as("COPY source %s exists in the repository", src).isTrue();
        }

        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignore.stream().map(l -> l.replaceAll("^/|/$", "")).toList()).contains("target", ".git", "data");
        for (String src : sources) {
            assertThat(ignore.stream().map(l -> l.replaceAll("^/|/$", "")))
                    .as(".dockerignore must not exclude COPY source %s", src)
                    .doesNotContain(src, "*", "**");
        }
    }

    // ================================================================== helpers: YAML

    private static final LoaderOptions LOADER = new LoaderOptions();

    private static List<Map<String, Object>> loadAll(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Object o : new Yaml(new SafeConstructor(LOADER)).loadAll(in)) {
                if (o == null) {
                    continue;
                }
                if (!(o instanceof Map)) {
                    fail("%s: YAML document is not a mapping: %s", rel(file), o);
                }
                docs.add(map(o));
            }
        }
        return docs;
    }

    private static Map<String, Object> loadOne(Path file) throws IOException {
        List<Map<String, Object>> docs = loadAll(file);
        assertThat(docs).as("%s documents", rel(file)).hasSize(1);
        return docs.get(0);
    }

    private static List<Path> yamlFilesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static List<Path> kustomizationFiles() throws IOException {
        return yamlFilesUnder(K8S).stream().filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                .toList();
    }

    private static List<String> patchPaths(Map<String, Object> k) {
        List<String> out = new ArrayList<>();
        for (Object p : list(k.get("patches"))) {
            if (p instanceof Map<?, ?> m && m.get("path") != null) {
                out.add(str(m.get("path")));
            }
        }
        out.addAll(strings(k.get("patchesStrategicMerge")));
        return out;
    }

    /** Resource files a kustomization pulls in, following directory resources recursively. */
    private static List<Path> resourceFiles(Path kustomizationDir) throws IOException {
        List<Path> out = new ArrayList<>();
        Map<String, Object> k = loadOne(kustomizationDir.resolve("kustomization.yaml"));
        for (String r : concat(strings(k.get("resources")), strings(k.get("components")))) {
            Path p = kustomizationDir.resolve(r).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(resourceFiles(p));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static List<Map<String, Object>> baseObjects(String kind) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path f : resourceFiles(BASE)) {
            for (Map<String, Object> doc : loadAll(f)) {
                if (kind.equals(doc.get("kind"))) {
                    out.add(doc);
                }
            }
        }
        return out;
    }

    private static Map<String, Object> baseDeployment(String name) throws IOException {
        return baseObjects("Deployment").stream().filter(d -> name.equals(path(d, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("Deployment " + name + " missing from k8s/base"));
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        List<Map<String, Object>> cs = maps(path(deployment, "spec", "template", "spec", "containers"));
        assertThat(cs).as("containers of %s", path(deployment, "metadata", "name")).hasSize(1);
        return cs.get(0);
    }

    private static List<Map<String, Object>> patches(Path overlay) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String p : patchPaths(loadOne(overlay.resolve("kustomization.yaml")))) {
            out.addAll(loadAll(overlay.resolve(p)));
        }
        return out;
    }

    private static Optional<Map<String, Object>> patchFor(Path overlay, String deployment) throws IOException {
        return patches(overlay).stream()
                .filter(p -> "Deployment".equals(p.get("kind")) && deployment.equals(path(p, "metadata", "name")))
                .findFirst();
    }

    /** images: entries visible from an overlay (its own, then inherited from its bases). */
    private static Map<String, Map<String, Object>> imagesEntries(Path kustomizationDir) throws IOException {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        Map<String, Object> k = loadOne(kustomizationDir.resolve("kustomization.yaml"));
        for (String r : strings(k.get("resources"))) {
            Path p = kustomizationDir.resolve(r).normalize();
            if (Files.isDirectory(p)) {
                out.putAll(imagesEntries(p));
            }
        }
        for (Map<String, Object> e : maps(k.get("images"))) {
            out.put(str(e.get("name")), e);
        }
        return out;
    }

    /** Container image names used by an overlay: base Deployments plus patch images. */
    private static Set<String> containerImages(Path kustomizationDir) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (Path f : resourceFiles(kustomizationDir)) {
            for (Map<String, Object> doc : loadAll(f)) {
                for (Map<String, Object> c : maps(path(doc, "spec", "template", "spec", "containers"))) {
                    out.add(str(c.get("image")));
                }
            }
        }
        if (!kustomizationDir.equals(BASE)) {
            for (Map<String, Object> p : patches(kustomizationDir)) {
                for (Map<String, Object> c : maps(path(p, "spec", "template", "spec", "containers"))) {
                    if (c.get("image") != null) {
                        out.add(str(c.get("image")));
                    }
                }
            }
        }
        return out;
    }

    private static void assertHealthProbe(Map<String, Object> c, String probe, String pathPrefix, String where) {
        Map<String, Object> http = map(path(c, probe, "httpGet"));
        assertThat(http).as("%s %s.httpGet", where, probe).isNotEmpty();
        assertThat(str(http.get("path"))).as("%s %s path", where, probe).startsWith(pathPrefix);
        assertThat(resolvePort(c, http.get("port"))).as("%s %s port", where, probe).isEqualTo(8080);
    }

    /** A numeric port, or a named port resolved through the container's ports list (-1 if unknown). */
    private static int resolvePort(Map<String, Object> container, Object port) {
        if (port instanceof Integer i) {
            return maps(container.get("ports")).stream().anyMatch(p -> Objects.equals(p.get("containerPort"), i))
                    ? i : -1;
        }
        return maps(container.get("ports")).stream().filter(p -> Objects.equals(p.get("name"), port))
                .map(p -> (Integer) p.get("containerPort")).findFirst().orElse(-1);
    }

    private static Set<String> envNames(Map<String, Object> c) {
        return maps(c.get("env")).stream().map(e -> str(e.get("name"))).collect(Collectors.toSet());
    }

    private static Optional<String> envValue(Map<String, Object> c, String name) {
        return maps(c.get("env")).stream().filter(e -> name.equals(e.get("name")))
                .map(e -> str(e.get("value"))).findFirst();
    }

    private static long bytes(Object quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(str(quantity));
        assertThat(m.matches()).as("memory quantity %s", quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "Ti" -> n << 40;
            case "k" -> n * 1_000L;
            case "M" -> n * 1_000_000L;
            case "G" -> n * 1_000_000_000L;
            case "T" -> n * 1_000_000_000_000L;
            default -> n;
        };
    }

    // ================================================================== helpers: Dockerfile

    record Instr(String keyword, String args) {
    }

    static final class Stage {
        final String from;
        final String name;
        final List<Instr> instructions = new ArrayList<>();

        Stage(String from, String name) {
            this.from = from;
            this.name = name;
        }
    }

    /** Dockerfile instructions with comments dropped and backslash continuations joined. */
    private static List<Instr> parse() throws IOException {
        List<Instr> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(DOCKERFILE)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String text = current.toString().strip();
            current.setLength(0);
            if (text.isEmpty()) {
                continue;
            }
            String[] parts = text.split("\\s+", 2);
            out.add(new Instr(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""));
        }
        assertThat(current.toString().strip()).as("dangling line continuation in Dockerfile").isEmpty();
        return out;
    }

    private static List<Stage> stages() throws IOException {
        List<Stage> stages = new ArrayList<>();
        for (Instr i : parse()) {
            if (i.keyword.equals("FROM")) {
                List<String> words = new ArrayList<>(List.of(i.args.split("\\s+")));
                words.removeIf(w -> w.startsWith("--"));
                String alias = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
                stages.add(new Stage(words.get(0), alias));
            } else if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).instructions.add(i);
            } else {
                assertThat(i.keyword).as("only ARG may precede the first FROM").isEqualTo("ARG");
            }
        }
        assertThat(stages).as("Dockerfile stages").isNotEmpty();
        return stages;
    }

    private static Stage stage(String name) throws IOException {
        return stages().stream().filter(s -> name.equals(s.name)).findFirst()
                .orElseThrow(() -> new AssertionError("Dockerfile has no stage " + name));
    }

    /** Stages that produce a runnable image: the default (last) target and every stage with an ENTRYPOINT. */
    private static List<Stage> runtimeStages() throws IOException {
        List<Stage> all = stages();
        List<Stage> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Stage s = all.get(i);
            boolean hasEntrypoint = s.instructions.stream().anyMatch(x -> x.keyword.equals("ENTRYPOINT"));
            if (hasEntrypoint || i == all.size() - 1) {
                out.add(s);
            }
        }
        assertThat(out).extracting(s -> s.name).contains("gpu");
        return out;
    }

    /** The stage and the stages it is built FROM, nearest first. */
    private static List<Stage> chain(Stage s) throws IOException {
        List<Stage> all = stages();
        List<Stage> out = new ArrayList<>();
        Stage cur = s;
        while (cur != null) {
            out.add(cur);
            String parent = cur.from;
            cur = all.stream().filter(x -> parent.equals(x.name)).findFirst().orElse(null);
        }
        return out;
    }

    private static String baseImage(Stage s) throws IOException {
        List<Stage> c = chain(s);
        return c.get(c.size() - 1).from;
    }

    /** The last value of an instruction in a stage, inherited from parent stages when absent. */
    private static Optional<String> effective(Stage s, String keyword) throws IOException {
        for (Stage x : chain(s)) {
            for (int i = x.instructions.size() - 1; i >= 0; i--) {
                if (x.instructions.get(i).keyword.equals(keyword)) {
                    return Optional.of(x.instructions.get(i).args);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isPinned(String image) {
        if (image.contains("@sha256:")) {
            return true;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            return false;
        }
        String tag = image.substring(colon + 1);
        return !tag.equalsIgnoreCase("latest") && !tag.contains("$") && tag.matches(".*\\d+\\.\\d+.*");
    }

    private static List<String> copySources(Instr i) {
        List<String> words = new ArrayList<>();
        String args = i.args;
        if (args.startsWith("[")) {
            Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(args);
            while (m.find()) {
                words.add(m.group(1));
            }
        } else {
            words.addAll(List.of(args.split("\\s+")));
        }
        words.removeIf(w -> w.startsWith("--"));
        return words.size() > 1 ? words.subList(0, words.size() - 1) : List.of();
    }

    private static int dockerRuntimeUid() throws IOException {
        Set<Integer> uids = new LinkedHashSet<>();
        for (Stage s : runtimeStages()) {
            uids.add(Integer.parseInt(effective(s, "USER").orElseThrow().split(":")[0].trim()));
        }
        assertThat(uids).as("one runtime uid across images").hasSize(1);
        return uids.iterator().next();
    }

    private static int dockerExposedPort() throws IOException {
        Set<Integer> ports = new LinkedHashSet<>();
        for (Stage s : runtimeStages()) {
            ports.add(Integer.parseInt(effective(s, "EXPOSE").orElseThrow().split("[\\s/]")[0]));
        }
        assertThat(ports).hasSize(1);
        return ports.iterator().next();
    }

    private static String dockerJavacppCacheDir() throws IOException {
        Matcher m = Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.cachedir=(\\S+?)[\"\\s]")
                .matcher(Files.readString(DOCKERFILE));
        assertThat(m.find()).as("Dockerfile sets -Dorg.bytedeco.javacpp.cachedir").isTrue();
        return m.group(1);
    }

    private static int dockerMaxRamPercentage() throws IOException {
        Matcher m = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(Files.readString(DOCKERFILE));
        int max = -1;
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        assertThat(max).as("Dockerfile sets -XX:MaxRAMPercentage").isPositive();
        return max;
    }

    // ================================================================== helpers: generic

    private static <T> int indexOf(List<T> list, java.util.function.Predicate<T> p) {
        for (int i = 0; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Object path(Object root, String... keys) {
        Object cur = root;
        for (String k : keys) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(k);
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static List<Map<String, Object>> maps(Object o) {
        return list(o).stream().map(DeploymentManifestsTest::map).toList();
    }

    private static List<String> strings(Object o) {
        return list(o).stream().map(DeploymentManifestsTest::str).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private static boolean isEmpty(Object o) {
        return o == null || (o instanceof Map<?, ?> m && m.isEmpty());
    }

    private static String rel(Path p) {
        return ROOT.relativize(p.toAbsolutePath().normalize()).toString();
    }
}
