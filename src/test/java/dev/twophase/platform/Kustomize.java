package dev.twophase.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders a kustomization two ways: with {@code kubectl kustomize} when a kubectl is on the PATH, and
 * with a small Java renderer of the kustomize features this repository uses (resources, components,
 * configMapGenerator, strategic-merge patches, namespace, labels, images). The Java one always runs,
 * so the manifest checks never depend on a binary; where kubectl exists the two must agree.
 */
final class Kustomize {

    /** Kinds that are not namespaced (kustomize leaves their metadata.namespace alone). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");
    private static final Set<String> FEATURES = Set.of("apiVersion", "kind", "resources", "components", "patches",
            "namespace", "labels", "images", "configMapGenerator", "generatorOptions");

    private Kustomize() {
    }

    /** The kubectl executable on the PATH, if any. */
    static Optional<Path> kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** {@code kubectl kustomize dir}, parsed. */
    static List<Map<String, Object>> renderWithKubectl(Path kubectl, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString()).redirectErrorStream(false).start();
        byte[] out;
        byte[] err;
        try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
            out = o.readAllBytes();
            err = e.readAllBytes();
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("kubectl kustomize %s finished", dir).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize %s: %s", dir, new String(err, StandardCharsets.UTF_8))
                .isZero();
        return parseAll(new String(out, StandardCharsets.UTF_8));
    }

    /** The Java rendering of a kustomization directory. */
    static List<Map<String, Object>> render(Path kustomizationDir) throws IOException {
        Path dir = kustomizationDir.toAbsolutePath().normalize();
        Map<String, Object> k = loadOne(dir.resolve("kustomization.yaml"));
        assertThat(k.keySet()).as("%s uses only the kustomize features the Java renderer knows", dir)
                .isSubsetOf(FEATURES);
        List<Map<String, Object>> objects = new ArrayList<>();
        for (String r : strings(k.get("resources"))) {
            Path p = dir.resolve(r).normalize();
            objects.addAll(Files.isDirectory(p) ? render(p) : parseAll(Files.readString(p)));
        }
        for (String c : strings(k.get("components"))) {
            applyComponent(dir.resolve(c).normalize(), objects);
        }
        objects.addAll(generateConfigMaps(dir, k));
        applyPatches(dir, k, objects);
        String namespace = (String) k.get("namespace");
        for (Map<String, Object> o : objects) {
            if (namespace != null && !CLUSTER_SCOPED.contains(o.get("kind"))) {
                metadata(o).put("namespace", namespace);
            }
            for (Map<String, Object> l : maps(k.get("labels"))) {
                assertThat(l.get("includeSelectors")).as("labels.includeSelectors").isNotEqualTo(Boolean.TRUE);
                assertThat(l.get("includeTemplates")).as("labels.includeTemplates").isNotEqualTo(Boolean.TRUE);
                child(metadata(o), "labels").putAll(map(l.get("pairs")));
            }
            for (Map<String, Object> image : maps(k.get("images"))) {
                retag(o, image);
            }
        }
        return objects;
    }

    private static void applyComponent(Path dir, List<Map<String, Object>> objects) throws IOException {
        Map<String, Object> c = loadOne(dir.resolve("kustomization.yaml"));
        assertThat(c.get("kind")).isEqualTo("Component");
        for (String r : strings(c.get("resources"))) {
            objects.addAll(parseAll(Files.readString(dir.resolve(r))));
        }
        objects.addAll(generateConfigMaps(dir, c));
        applyPatches(dir, c, objects);
    }

    private static List<Map<String, Object>> generateConfigMaps(Path dir, Map<String, Object> k) throws IOException {
        Map<String, Object> options = map(k.get("generatorOptions"));
        if (!maps(k.get("configMapGenerator")).isEmpty()) {
            assertThat(options.get("disableNameSuffixHash")).as("%s: the Java renderer does not hash names", dir)
                    .isEqualTo(Boolean.TRUE);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> g : maps(k.get("configMapGenerator"))) {
            Map<String, Object> data = new LinkedHashMap<>();
            for (String f : strings(g.get("files"))) {
                Path file = dir.resolve(f).normalize();
                assertThat(file.startsWith(dir)).as("%s: generator file %s outside the kustomization root", dir, f)
                        .isTrue();
                data.put(file.getFileName().toString(), Files.readString(file));
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("name", g.get("name"));
            Map<String, Object> gOptions = map(g.get("options"));
            for (String field : List.of("labels", "annotations")) {
                Map<String, Object> values = new LinkedHashMap<>(map(options.get(field)));
                values.putAll(map(gOptions.get(field)));
                if (!values.isEmpty()) {
                    meta.put(field, values);
                }
            }
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("apiVersion", "v1");
            cm.put("kind", "ConfigMap");
            cm.put("metadata", meta);
            cm.put("data", data);
            out.add(cm);
        }
        return out;
    }

    private static void applyPatches(Path dir, Map<String, Object> k, List<Map<String, Object>> objects)
            throws IOException {
        for (Map<String, Object> p : maps(k.get("patches"))) {
            assertThat(p.keySet()).as("%s: only path patches (strategic merge) are rendered", dir).containsOnly("path");
            for (Map<String, Object> patch : parseAll(Files.readString(dir.resolve((String) p.get("path"))))) {
                Map<String, Object> target = objects.stream()
                        .filter(o -> Objects.equals(o.get("kind"), patch.get("kind"))
                                && Objects.equals(metadata(o).get("name"), metadata(patch).get("name")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(dir + ": patch target " + patch.get("kind") + "/"
                                + metadata(patch).get("name") + " not found"));
                // Built-in kinds merge named lists (containers, env, volumes); CRDs have no merge keys.
                boolean builtIn = !String.valueOf(target.get("apiVersion")).contains(".");
                merge(target, patch, builtIn);
            }
        }
    }

    /** Strategic merge as kustomize does it for the fields used here: maps merge, null deletes, named lists merge by name. */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> target, Map<String, Object> patch, boolean namedLists) {
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            Object current = target.get(e.getKey());
            Object value = e.getValue();
            if (value == null) {
                target.remove(e.getKey());
            } else if (value instanceof Map && current instanceof Map) {
                merge((Map<String, Object>) current, (Map<String, Object>) value, namedLists);
            } else if (namedLists && value instanceof List<?> patchList && current instanceof List<?> list && isNamedList(patchList)
                    && isNamedList(list)) {
                // As kustomize orders it: the patch's items first (merged into their originals), then the rest.
                List<Object> merged = new ArrayList<>();
                List<Object> rest = new ArrayList<>(list);
                for (Object item : patchList) {
                    Map<String, Object> m = (Map<String, Object>) item;
                    Optional<Object> existing = rest.stream()
                            .filter(x -> Objects.equals(((Map<String, Object>) x).get("name"), m.get("name"))).findFirst();
                    if (existing.isPresent()) {
                        rest.remove(existing.get());
                        merge((Map<String, Object>) existing.get(), m, true);
                        merged.add(existing.get());
                    } else {
                        merged.add(deepCopy(m));
                    }
                }
                merged.addAll(rest);
                target.put(e.getKey(), merged);
            } else {
                target.put(e.getKey(), deepCopy(value));
            }
        }
    }

    private static boolean isNamedList(List<?> list) {
        return !list.isEmpty() && list.stream().allMatch(x -> x instanceof Map<?, ?> m && m.get("name") != null);
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((key, v) -> out.put((String) key, deepCopy(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            return new ArrayList<>(l.stream().map(Kustomize::deepCopy).toList());
        }
        return o;
    }

    private static void retag(Map<String, Object> object, Map<String, Object> image) {
        Object spec = object.get("spec");
        if (!(spec instanceof Map<?, ?> s) || !(s.get("template") instanceof Map<?, ?> t)
                || !(t.get("spec") instanceof Map<?, ?> podSpec)) {
            return;
        }
        for (String field : List.of("containers", "initContainers")) {
            for (Map<String, Object> c : maps(podSpec.get(field))) {
                if (Objects.equals(c.get("image"), image.get("name"))) {
                    String name = image.get("newName") != null ? (String) image.get("newName") : (String) image.get("name");
                    c.put("image", name + ":" + image.get("newTag"));
                }
            }
        }
    }

    // ------------------------------------------------------------------ YAML helpers

    static List<Map<String, Object>> parseAll(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (o != null) {
                docs.add(map(o));
            }
        }
        return docs;
    }

    static Map<String, Object> loadOne(Path file) throws IOException {
        List<Map<String, Object>> docs = parseAll(Files.readString(file));
        assertThat(docs).as("%s documents", file).hasSize(1);
        return docs.get(0);
    }

    static String key(Map<String, Object> o) {
        return o.get("kind") + "/" + metadata(o).get("name");
    }

    static Map<String, Object> metadata(Map<String, Object> o) {
        return child(o, "metadata");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> o, String field) {
        return (Map<String, Object>) o.computeIfAbsent(field, x -> new LinkedHashMap<String, Object>());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    static List<Map<String, Object>> maps(Object o) {
        return o instanceof List<?> l ? l.stream().map(Kustomize::map).toList() : List.of();
    }

    static List<String> strings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
