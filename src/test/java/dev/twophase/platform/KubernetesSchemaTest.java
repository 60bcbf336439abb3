package dev.twophase.platform;

import static dev.twophase.platform.Kustomize.key;
import static dev.twophase.platform.Kustomize.map;
import static dev.twophase.platform.Kustomize.maps;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Schema validation of every manifest the overlays render: built-in kinds (and the Prometheus
 * Operator's) against fabric8's typed Kubernetes model, strictly (no unknown field anywhere, no
 * string where a number belongs); KEDA and CloudNativePG objects against the subset of their CRD
 * schemas used here. Plus the references between objects (selectors, Secrets, scale targets).
 */
class KubernetesSchemaTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path K8S = ROOT.resolve("k8s");
    /** Secrets created out of band (README): the external database one, or the CloudNativePG operator's. */
    private static final Set<String> EXTERNAL_SECRETS = Set.of("twophase-db", "twophase-pg-app");

    private static final Map<String, Class<?>> TYPED = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class,
            "monitoring.coreos.com/v1/PodMonitor", PodMonitor.class);

    private static final ObjectMapper STRICT = strictMapper();

    // ------------------------------------------------------------------ renders

    /** Every deployable combination: base, both overlays, and the GPU overlay with CloudNativePG. */
    private static Map<String, Path> kustomizations() throws IOException {
        // kubectl refuses absolute resource paths, so the combination lives under target/ with relative ones.
        Path cnpg = ROOT.resolve("target/kustomize-gpu-cloudnative-pg");
        Files.createDirectories(cnpg);
        Files.writeString(cnpg.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../k8s/overlays/gpu
                components:
                  - ../../k8s/components/cloudnative-pg
                """);
        Map<String, Path> out = new LinkedHashMap<>();
        out.put("base", K8S.resolve("base"));
        out.put("dev", K8S.resolve("overlays/dev"));
        out.put("gpu", K8S.resolve("overlays/gpu"));
        out.put("gpu+cloudnative-pg", cnpg);
        return out;
    }

    @Test
    void javaRenderingAgreesWithKubectlWhereKubectlExists() throws Exception {
        Optional<Path> kubectl = Kustomize.kubectl();
        for (Map.Entry<String, Path> k : kustomizations().entrySet()) {
            Map<String, Map<String, Object>> java = byKey(Kustomize.render(k.getValue()));
            assertThat(java).as("%s renders objects", k.getKey()).isNotEmpty();
            if (kubectl.isPresent()) {
                Map<String, Map<String, Object>> real = byKey(Kustomize.renderWithKubectl(kubectl.get(), k.getValue()));
                assertThat(java.keySet()).as("%s: objects", k.getKey()).containsExactlyInAnyOrderElementsOf(real.keySet());
                for (String key : real.keySet()) {
                    assertThat(java.get(key)).as("%s: %s as the Java renderer sees it", k.getKey(), key)
                            .isEqualTo(real.get(key));
                }
            }
        }
    }

    @Test
    void everyRenderedObjectMatchesItsSchema() throws Exception {
        for (Map.Entry<String, Path> k : kustomizations().entrySet()) {
            for (Map<String, Object> o : Kustomize.render(k.getValue())) {
                List<String> problems = validate(o);
                assertThat(problems).as("%s: %s", k.getKey(), key(o)).isEmpty();
            }
        }
        Path example = K8S.resolve("base/db-secret.example.yaml");
        assertThat(validate(Kustomize.loadOne(example))).as("db-secret.example.yaml").isEmpty();
    }

    @Test
    void theValidatorRejectsTyposAndWrongTypes() throws Exception {
        Map<String, Object> deployment = Kustomize.render(K8S.resolve("base")).stream()
                .filter(o -> "Deployment".equals(o.get("kind"))).findFirst().orElseThrow();
        assertThat(validate(deployment)).isEmpty();

        Map<String, Object> typo = Kustomize.parseAll(STRICT.writeValueAsString(deployment)).get(0);
        map(map(map(typo.get("spec")).get("template")).get("spec")).put("terminationGracePeriod", 30);
        assertThat(validate(typo)).singleElement().asString().contains("terminationGracePeriod");

        Map<String, Object> wrongType = Kustomize.parseAll(STRICT.writeValueAsString(deployment)).get(0);
        map(wrongType.get("spec")).put("replicas", "two");
        assertThat(validate(wrongType)).singleElement().asString().contains("replicas");

        Map<String, Object> scaledObject = Kustomize.render(K8S.resolve("overlays/gpu")).stream()
                .filter(o -> "ScaledObject".equals(o.get("kind"))).findFirst().orElseThrow();
        assertThat(validate(scaledObject)).isEmpty();
        Map<String, Object> numeric = Kustomize.parseAll(STRICT.writeValueAsString(scaledObject)).get(0);
        map(maps(map(numeric.get("spec")).get("triggers")).get(0).get("metadata")).put("targetQueryValue", 1);
        assertThat(validate(numeric)).singleElement().asString().contains("targetQueryValue");
    }

    @Test
    void referencesBetweenObjectsResolve() throws Exception {
        for (Map.Entry<String, Path> k : kustomizations().entrySet()) {
            List<Map<String, Object>> objects = Kustomize.render(k.getValue());
            String where = k.getKey();
            Map<String, Map<String, Object>> byKey = byKey(objects);
            List<Map<String, Object>> podTemplates = objects.stream().filter(o -> "Deployment".equals(o.get("kind")))
                    .map(o -> map(map(o.get("spec")).get("template"))).toList();
            for (Map<String, Object> o : objects) {
                Map<String, Object> spec = map(o.get("spec"));
                String kind = (String) o.get("kind");
                Map<String, Object> selector = switch (kind) {
                    case "PodDisruptionBudget", "ServiceMonitor", "PodMonitor" -> map(map(spec.get("selector")).get("matchLabels"));
                    case "Service" -> map(spec.get("selector"));
                    default -> null;
                };
                if (selector != null) {
                    List<Map<String, Object>> targets = "ServiceMonitor".equals(kind)
                            ? objects.stream().filter(x -> "Service".equals(x.get("kind"))).map(Kustomize::metadata).toList()
                            : podTemplates.stream().map(t -> map(t.get("metadata"))).toList();
                    assertThat(targets).as("%s: %s selects something", where, key(o))
                            .anyMatch(m -> map(m.get("labels")).entrySet().containsAll(selector.entrySet()));
                }
                if ("ScaledObject".equals(kind)) {
                    Map<String, Object> ref = map(spec.get("scaleTargetRef"));
                    assertThat(byKey).as("%s: scale target", where).containsKey(ref.get("kind") + "/" + ref.get("name"));
                    for (Map<String, Object> t : maps(spec.get("triggers"))) {
                        Object auth = map(t.get("authenticationRef")).get("name");
                        assertThat(byKey).as("%s: trigger authentication", where)
                                .containsKey("TriggerAuthentication/" + auth);
                    }
                }
                if ("TriggerAuthentication".equals(kind)) {
                    for (Map<String, Object> ref : maps(spec.get("secretTargetRef"))) {
                        assertThat(EXTERNAL_SECRETS).as("%s: %s secret", where, key(o)).contains((String) ref.get("name"));
                    }
                }
            }
            for (Map<String, Object> template : podTemplates) {
                Map<String, Object> pod = map(template.get("spec"));
                Set<String> volumes = maps(pod.get("volumes")).stream().map(v -> (String) v.get("name"))
                        .collect(Collectors.toSet());
                for (Map<String, Object> c : maps(pod.get("containers"))) {
                    for (Map<String, Object> m : maps(c.get("volumeMounts"))) {
                        assertThat(volumes).as("%s: volume of mount %s", where, m.get("mountPath")).contains((String) m.get("name"));
                    }
                    for (Map<String, Object> e : maps(c.get("envFrom"))) {
                        Object cm = map(e.get("configMapRef")).get("name");
                        assertThat(byKey).as("%s: envFrom ConfigMap", where).containsKey("ConfigMap/" + cm);
                    }
                    for (Map<String, Object> e : maps(c.get("env"))) {
                        Map<String, Object> ref = map(map(e.get("valueFrom")).get("secretKeyRef"));
                        if (!ref.isEmpty()) {
                            assertThat(EXTERNAL_SECRETS).as("%s: secret of %s", where, e.get("name"))
                                    .contains((String) ref.get("name"));
                        }
                    }
                }
            }
            // With CloudNativePG the operator's Secret replaces the external one everywhere.
            boolean cnpg = byKey.keySet().stream().anyMatch(x -> x.startsWith("Cluster/"));
            String rendered = STRICT.writeValueAsString(objects);
            assertThat(rendered.contains("\"twophase-db\"")).as("%s refers to twophase-db", where).isEqualTo(!cnpg);
        }
    }

    // ------------------------------------------------------------------ validation

    /** Problems with one object; empty when it matches its schema. */
    static List<String> validate(Map<String, Object> object) {
        String type = object.get("apiVersion") + "/" + object.get("kind");
        List<String> problems = new ArrayList<>();
        Class<?> typed = TYPED.get(type);
        if (typed != null) {
            typed(object, typed, type, problems);
            return problems;
        }
        Shape shape = CRDS.get(type);
        if (shape == null) {
            problems.add("no schema for " + type);
            return problems;
        }
        shape.check(object, type, problems);
        return problems;
    }

    private static void typed(Object value, Class<?> type, String path, List<String> problems) {
        Object parsed;
        try {
            parsed = STRICT.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            String at = e.getCause() instanceof JsonMappingException m ? m.getPathReference() : "";
            problems.add(path + " at " + at + ": " + e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        unknownFields(parsed, path, problems);
    }

    /** fabric8 keeps fields it does not know in additionalProperties instead of failing: any there is a typo. */
    private static void unknownFields(Object o, String path, List<String> problems) {
        if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                unknownFields(l.get(i), path + "[" + i + "]", problems);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
            return;
        }
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            String name = getter.getName();
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !name.startsWith("get") || name.equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (name.equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else if (!(o instanceof Quantity) && !(o instanceof IntOrString)) {
                unknownFields(value, path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4), problems);
            }
        }
    }

    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }

    // ------------------------------------------------------------------ CRD subsets

    /** A structural schema: the fields allowed (and required) at each level, and scalar types. */
    interface Shape {
        void check(Object value, String path, List<String> problems);
    }

    private static final Shape STRING = scalar(String.class);
    private static final Shape INT = scalar(Integer.class);
    private static final Shape BOOL = scalar(Boolean.class);
    /** map[string]string, as KEDA trigger metadata and PostgreSQL parameters are declared. */
    private static final Shape STRING_MAP = (v, path, problems) -> {
        if (!(v instanceof Map<?, ?> m)) {
            problems.add(path + ": expected a map of strings");
            return;
        }
        m.forEach((k, x) -> STRING.check(x, path + "." + k, problems));
    };

    private static Shape scalar(Class<?> type) {
        return (v, path, problems) -> {
            if (!type.isInstance(v)) {
                problems.add(path + ": expected " + type.getSimpleName().toLowerCase() + ", got "
                        + (v == null ? "null" : v.getClass().getSimpleName().toLowerCase() + " " + v));
            }
        };
    }

    private static Shape typedShape(Class<?> type) {
        return (v, path, problems) -> typed(v, type, path, problems);
    }

    private static Shape list(Shape item) {
        return (v, path, problems) -> {
            if (!(v instanceof List<?> l)) {
                problems.add(path + ": expected a list");
                return;
            }
            for (int i = 0; i < l.size(); i++) {
                item.check(l.get(i), path + "[" + i + "]", problems);
            }
        };
    }

    /** An object with these fields; names ending in "!" are required. */
    private static Shape object(Object... fieldsAndShapes) {
        Map<String, Shape> fields = new TreeMap<>();
        Set<String> required = new java.util.TreeSet<>();
        for (int i = 0; i < fieldsAndShapes.length; i += 2) {
            String name = (String) fieldsAndShapes[i];
            if (name.endsWith("!")) {
                name = name.substring(0, name.length() - 1);
                required.add(name);
            }
            fields.put(name, (Shape) fieldsAndShapes[i + 1]);
        }
        return (v, path, problems) -> {
            if (!(v instanceof Map<?, ?> m)) {
                problems.add(path + ": expected an object");
                return;
            }
            for (String r : required) {
                if (!m.containsKey(r)) {
                    problems.add(path + ": missing required field " + r);
                }
            }
            m.forEach((k, x) -> {
                Shape s = fields.get(String.valueOf(k));
                if (s == null) {
                    problems.add(path + ": unknown field " + k);
                } else {
                    s.check(x, path + "." + k, problems);
                }
            });
        };
    }

    private static Shape resource(Shape spec) {
        return object("apiVersion!", STRING, "kind!", STRING, "metadata!", typedShape(ObjectMeta.class), "spec!", spec);
    }

    /** The postgresql trigger's metadata keys (KEDA docs, scalers/postgresql). */
    private static final Set<String> POSTGRESQL_TRIGGER_KEYS = Set.of("query", "targetQueryValue",
            "activationTargetQueryValue", "connectionFromEnv", "host", "port", "userName", "passwordFromEnv", "dbName",
            "sslmode");
    private static final Set<String> POSTGRESQL_AUTH_PARAMETERS = Set.of("connection", "password", "host", "port",
            "userName", "dbName", "sslmode");

    private static final Shape TRIGGER = (v, path, problems) -> {
        object("type!", STRING, "name", STRING, "metadata!", STRING_MAP, "metricType", STRING, "useCachedMetrics", BOOL,
                "authenticationRef", object("name!", STRING, "kind", STRING)).check(v, path, problems);
        Map<String, Object> t = map(v);
        if ("postgresql".equals(t.get("type"))) {
            Map<String, Object> metadata = map(t.get("metadata"));
            if (!POSTGRESQL_TRIGGER_KEYS.containsAll(metadata.keySet())) {
                problems.add(path + ".metadata: unknown postgresql key(s) " + metadata.keySet());
            }
            if (!metadata.containsKey("query") || !metadata.containsKey("targetQueryValue")) {
                problems.add(path + ".metadata: postgresql needs query and targetQueryValue");
            }
        }
    };

    private static final Map<String, Shape> CRDS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", resource(object(
                    "scaleTargetRef!", object("apiVersion", STRING, "kind", STRING, "name!", STRING,
                            "envSourceContainerName", STRING),
                    "pollingInterval", INT, "cooldownPeriod", INT, "initialCooldownPeriod", INT,
                    "idleReplicaCount", INT, "minReplicaCount", INT, "maxReplicaCount", INT,
                    "fallback", object("failureThreshold!", INT, "replicas!", INT),
                    "advanced", object("restoreToOriginalReplicaCount", BOOL,
                            "horizontalPodAutoscalerConfig", object("name", STRING,
                                    "behavior", typedShape(HorizontalPodAutoscalerBehavior.class))),
                    "triggers!", list(TRIGGER))),
            "keda.sh/v1alpha1/TriggerAuthentication", resource(object(
                    "secretTargetRef", list((v, path, problems) -> {
                        object("parameter!", STRING, "name!", STRING, "key!", STRING).check(v, path, problems);
                        if (!POSTGRESQL_AUTH_PARAMETERS.contains(map(v).get("parameter"))) {
                            problems.add(path + ": parameter " + map(v).get("parameter") + " is not a postgresql one");
                        }
                    }),
                    "env", list(object("parameter!", STRING, "name!", STRING, "containerName", STRING)))),
            "postgresql.cnpg.io/v1/Cluster", resource(object(
                    "instances!", INT, "imageName", STRING, "primaryUpdateStrategy", STRING,
                    "bootstrap", object("initdb", object("database", STRING, "owner", STRING,
                            "secret", object("name!", STRING))),
                    "postgresql", object("parameters", STRING_MAP),
                    "resources", typedShape(ResourceRequirements.class),
                    "storage!", object("size!", STRING, "storageClass", STRING),
                    "monitoring", object("enablePodMonitor", BOOL))));

    private static Map<String, Map<String, Object>> byKey(List<Map<String, Object>> objects) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (Map<String, Object> o : objects) {
            assertThat(out.put(key(o), o)).as("duplicate %s", key(o)).isNull();
        }
        return out;
    }
}
