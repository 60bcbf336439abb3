import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open-loop HTTP load against the read side of the API: run status, experiment status, the series
 * list and metric queries of one training run, at a constant rate. Each request has an intended send
 * time (start + i / rate); its latency is measured from that time, not from when it was actually
 * sent, so a stalled client or server shows up as latency instead of as fewer requests.
 *
 * Like wrk2, it sends over a fixed number of connections; a request due while all are busy waits
 * for one, and that wait counts.
 *
 * <p>Run: {@code java bench/LoadTest.java --base http://localhost:18470 --token-file DIR/reader-token
 * --run RUN --experiment EXP [--rate 300] [--seconds 60] [--warmup 10] [--connections 32]
 * [--service-pid PID] [--mix abusive --submitter-token-file DIR/api-token]} (bench/load-test.sh does
 * everything around it). Only the JDK: no dependency of the service.
 *
 * <p>{@code --mix abusive} adds, at a quarter of the requests, what issue 18's abuse probe sent: a
 * sweep of 2^66 runs, the costliest spec the size limits allow, NUL in a name, a body over the size
 * limit, made-up /api paths without a token, non-canonical ids, uploads past the series limit, and
 * the readers those would make expensive (plot, phases, all series, a page of 500 experiments with
 * 60 KB of params each, a query for 10^7 points). Each is expected to get its documented answer
 * (a 4xx or a bounded 200); anything else counts as an error. A probe thread asks /q/health/ready
 * every second and the service's RSS is sampled every second.
 *
 * <p>Prints per request kind and overall counts and latency percentiles, the run's steps/s during
 * the measured phase, and as its last line
 * {@code rps=… p50_ms=… p90_ms=… p99_ms=… max_ms=… errors=… requests=… steps_per_s_during=…
 * service_cpu_cores_during=… health_failures=… health_max_ms=… rss_mb_start=… rss_mb_max=… rss_mb_end=…}
 * (CPU and RSS of the service and its PostgreSQL, from /proc, with --service-pid).
 * Exits 1 when any request failed (non-2xx or exception), 2 on bad arguments.
 */
public class LoadTest {

    /**
     * One kind of request in the mix; weights are relative; a request is an error unless it gets one of
     * {@code expected}. A kind with a {@code rawHead} is sent as that head alone over a socket of its own
     * (a body announced but never sent: the JDK 17 client with Expect: 100-continue waits forever for a
     * final answer that is not 100, JDK-8286171).
     */
    record Kind(String name, int weight, HttpRequest request, Set<Integer> expected, String rawHead) {

        Kind(String name, int weight, HttpRequest request, Set<Integer> expected) {
            this(name, weight, request, expected, null);
        }

        static Kind get(String name, int weight, String base, String path, String token) {
            return new Kind(name, weight, builder(base, path, token).GET().build(), Set.of(200));
        }

        /** A picture: asks for SVG (the other kinds ask for JSON). */
        static Kind svg(String name, int weight, String base, String path, String token) {
            return new Kind(name, weight, builder(base, path, token).setHeader("Accept", "image/svg+xml").GET().build(),
                    Set.of(200));
        }
    }

    /** Sends a request head over a new connection and returns the answer's status and body; 30 s at most. */
    static HttpResponseLite sendRaw(URI uri, String head) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            Matcher status = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(answer);
            if (!status.find()) {
                throw new java.io.IOException("no HTTP answer: " + abbreviate(answer));
            }
            int bodyAt = answer.indexOf("\r\n\r\n");
            return new HttpResponseLite(Integer.parseInt(status.group(1)), bodyAt < 0 ? "" : answer.substring(bodyAt + 4));
        }
    }

    record HttpResponseLite(int statusCode, String body) {
    }

    static HttpRequest.Builder builder(String base, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    static final class Sample {
        final long[] latencyNanos;
        final int[] kind;
        final boolean[] failed;

        Sample(int n) {
            latencyNanos = new long[n];
            kind = new int[n];
            failed = new boolean[n];
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        String base = require(opt, "base");
        String token = Files.readString(Path.of(require(opt, "token-file"))).trim();
        String run = require(opt, "run");
        String experiment = require(opt, "experiment");
        double rate = Double.parseDouble(opt.getOrDefault("rate", "300"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "60"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "10"));
        int connections = Integer.parseInt(opt.getOrDefault("connections", "32"));
        long servicePid = Long.parseLong(opt.getOrDefault("service-pid", "0"));

        String r = "/api/v1/runs/" + run;
        List<Kind> kinds = new ArrayList<>(List.of(
                Kind.get("run status", 30, base, r, token),
                Kind.get("experiment status", 10, base, "/api/v1/experiments/" + experiment, token),
                Kind.get("series list", 10, base, r + "/series", token),
                Kind.get("metrics train/test acc", 20, base, r + "/metrics?name=train_acc&name=test_acc&maxPoints=200", token),
                Kind.get("metrics batch loss, all steps", 15, base, r + "/metrics?name=train_batch_loss&maxPoints=500", token),
                Kind.get("metrics mi_tx layer 1", 10, base, r + "/metrics?name=mi_tx&layer=1&maxPoints=100", token),
                Kind.get("metrics all series", 5, base, r + "/metrics?maxPoints=50", token)));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        if ("abusive".equals(opt.get("mix"))) {
            String submitter = Files.readString(Path.of(require(opt, "submitter-token-file"))).trim();
            kinds.addAll(Abuse.kinds(client, base, token, submitter));
        }
        int[] schedule = schedule(kinds);
        List<Kind> mix = List.copyOf(kinds);

        if (warmup > 0) {
            System.out.printf("warm-up: %d s at %.0f requests/s (not counted)%n", warmup, rate);
            fire(client, mix, schedule, rate, (int) Math.round(rate * warmup), connections);
        }
        Probe probe = Probe.start(client, base, servicePid);
        Map<String, double[]> serverBefore = serverTimes(client, base);
        long stepBefore = step(client, base + r, token);
        long cpuBefore = cpuTicks(servicePid);
        long t0 = System.nanoTime();
        int n = (int) Math.round(rate * seconds);
        System.out.printf("measuring: %d requests over %d s at %.0f requests/s, open loop over %d connections%n",
                n, seconds, rate, connections);
        Result result = fire(client, mix, schedule, rate, n, connections);
        Probe.Summary health = probe.stop();
        long stepAfter = step(client, base + r, token);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double during = (stepAfter - stepBefore) / elapsed;
        double serviceCores = (cpuTicks(servicePid) - cpuBefore) / 100.0 / elapsed;
        Map<String, double[]> serverAfter = serverTimes(client, base);
        System.out.println("server side (Quarkus http_server_requests over the measured phase):");
        for (Map.Entry<String, double[]> e : serverAfter.entrySet()) {
            double[] b = serverBefore.getOrDefault(e.getKey(), new double[2]);
            double count = e.getValue()[0] - b[0];
            if (count > 0) {
                System.out.printf("  %-60s %7.0f requests, mean %.1f ms%n", e.getKey(), count,
                        (e.getValue()[1] - b[1]) / count * 1e3);
            }
        }

        Sample s = result.sample();
        System.out.printf("%-30s %7s %6s %8s %8s %8s %8s%n", "kind", "n", "errors", "p50_ms", "p90_ms", "p99_ms", "max_ms");
        for (int k = 0; k < kinds.size(); k++) {
            int kk = k;
            long[] lat = select(s, i -> s.kind[i] == kk);
            long errs = countErrors(s, i -> s.kind[i] == kk);
            System.out.printf("%-30s %7d %6d %8.1f %8.1f %8.1f %8.1f%n", kinds.get(k).name(), lat.length, errs,
                    ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), ms(pct(lat, 100)));
        }
        long[] all = select(s, i -> true);
        long errors = countErrors(s, i -> true);
        double rps = n / (result.elapsedNanos() / 1e9);
        for (String e : result.firstErrors()) {
            System.out.println("error: " + e);
        }
        System.out.printf("run step %d -> %d during the measured phase%n", stepBefore, stepAfter);
        System.out.printf("sender lag max %.1f ms (how late the client itself sent)%n", ms(result.maxSendLagNanos()));
        System.out.printf("health: %d probes, %d failed, max %.1f ms; RSS %s%n", health.probes(), health.failures(),
                health.maxMillis(), health.rssTrace());
        System.out.printf("rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f errors=%d requests=%d "
                        + "steps_per_s_during=%.2f service_cpu_cores_during=%.2f health_failures=%d health_max_ms=%.1f "
                        + "rss_mb_start=%d rss_mb_max=%d rss_mb_end=%d%n",
                rps, ms(pct(all, 50)), ms(pct(all, 90)), ms(pct(all, 99)), ms(pct(all, 100)), errors, n, during,
                serviceCores, health.failures(), health.maxMillis(), health.rssStartMb(), health.rssMaxMb(), health.rssEndMb());
        System.exit(errors == 0 && health.failures() == 0 ? 0 : 1);
    }

    record Result(Sample sample, long elapsedNanos, long maxSendLagNanos, List<String> firstErrors) {
    }

    /**
     * Sends n requests at the rate over a fixed number of connections (like wrk2): request i is due at
     * start + i / rate and waits in a queue until a connection is free, which counts in its latency.
     */
    static Result fire(HttpClient client, List<Kind> kinds, int[] schedule, double rate, int n, int connections)
            throws InterruptedException {
        Sample s = new Sample(n);
        List<String> errors = new ArrayList<>();
        BlockingQueue<long[]> due = new LinkedBlockingQueue<>();
        AtomicLong lastCompletion = new AtomicLong();
        long period = (long) (1e9 / rate);
        long start = System.nanoTime() + 50_000_000L;
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        long[] job = due.take();
                        if (job[0] < 0) {
                            return;
                        }
                        int index = (int) job[0];
                        long intended = job[1];
                        int k = s.kind[index];
                        String error;
                        try {
                            Kind kind = kinds.get(k);
                            HttpResponseLite resp;
                            if (kind.rawHead() != null) {
                                resp = sendRaw(kind.request().uri(), kind.rawHead());
                            } else {
                                HttpResponse<String> r = client.send(kind.request(), HttpResponse.BodyHandlers.ofString());
                                resp = new HttpResponseLite(r.statusCode(), r.body());
                            }
                            error = !kind.expected().contains(resp.statusCode()) ? resp.statusCode() + " " + abbreviate(resp.body())
                                    : resp.body().isEmpty() ? "empty body" : null;
                        } catch (java.io.IOException e) {
                            error = e.toString();
                        }
                        long now = System.nanoTime();
                        s.latencyNanos[index] = now - intended;
                        lastCompletion.accumulateAndGet(now, Math::max);
                        if (error != null) {
                            s.failed[index] = true;
                            synchronized (errors) {
                                if (errors.size() < 10) {
                                    errors.add(kinds.get(k).request().uri().getPath() + ": " + error);
                                }
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "load-connection-" + c);
            t.start();
            senders.add(t);
        }
        long maxLag = 0;
        for (int i = 0; i < n; i++) {
            long intended = start + i * period;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            maxLag = Math.max(maxLag, System.nanoTime() - intended);
            s.kind[i] = schedule[i % schedule.length];
            due.add(new long[] {i, intended});
        }
        for (int c = 0; c < connections; c++) {
            due.add(new long[] {-1, 0});
        }
        long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        for (Thread t : senders) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
        }
        return new Result(s, lastCompletion.get() - start, maxLag, errors);
    }

    /** The kinds interleaved by weight (smooth weighted round-robin), so every second sees the same mix. */
    static int[] schedule(List<Kind> kinds) {
        int total = kinds.stream().mapToInt(Kind::weight).sum();
        int[] out = new int[total];
        int[] current = new int[kinds.size()];
        for (int i = 0; i < total; i++) {
            int best = 0;
            for (int k = 0; k < kinds.size(); k++) {
                current[k] += kinds.get(k).weight();
                if (current[k] > current[best]) {
                    best = k;
                }
            }
            current[best] -= total;
            out[i] = best;
        }
        return out;
    }

    static long step(HttpClient client, String runUrl, String token) throws Exception {
        HttpResponse<String> resp = client.send(HttpRequest.newBuilder(URI.create(runUrl))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"step\"\\s*:\\s*(\\d+)").matcher(resp.body());
        if (resp.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("run status: " + resp.statusCode() + " " + abbreviate(resp.body()));
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * CPU time (1/100 s ticks) of the service and its descendants (the embedded PostgreSQL and its
     * backends) from /proc; 0 when no pid was given.
     */
    static long cpuTicks(long pid) throws java.io.IOException {
        if (pid <= 0) {
            return 0;
        }
        long ticks = 0;
        List<Long> pids = new ArrayList<>(List.of(pid));
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        for (long p : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + p + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            } catch (java.nio.file.NoSuchFileException gone) {
                // a backend that ended meanwhile
            }
        }
        return ticks;
    }

    /** Per uri of /api: [count, sum seconds] of the service's http_server_requests timer. */
    static Map<String, double[]> serverTimes(HttpClient client, String base) throws Exception {
        String text = client.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, double[]> out = new java.util.TreeMap<>();
        Pattern line = Pattern.compile("^http_server_requests_seconds_(count|sum)\\{(.*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        while (m.find()) {
            Matcher uri = Pattern.compile("uri=\"([^\"]*)\"").matcher(m.group(2));
            Matcher status = Pattern.compile("status=\"([^\"]*)\"").matcher(m.group(2));
            if (!uri.find() || !uri.group(1).startsWith("/api") || !status.find()) {
                continue;
            }
            double[] v = out.computeIfAbsent(uri.group(1) + " " + status.group(1), u -> new double[2]);
            v[m.group(1).equals("count") ? 0 : 1] += Double.parseDouble(m.group(3));
        }
        return out;
    }

    interface IntPredicate {
        boolean test(int i);
    }

    static long[] select(Sample s, IntPredicate p) {
        return java.util.stream.IntStream.range(0, s.latencyNanos.length).filter(p::test)
                .mapToLong(i -> s.latencyNanos[i]).sorted().toArray();
    }

    static long countErrors(Sample s, IntPredicate p) {
        return java.util.stream.IntStream.range(0, s.failed.length).filter(i -> p.test(i) && s.failed[i]).count();
    }

    /** Nearest-rank percentile of sorted values; 100 is the maximum. */
    static long pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static String abbreviate(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "…";
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("bad argument " + args[i] + " in " + Arrays.toString(args));
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    static String require(Map<String, String> opt, String name) {
        String v = opt.get(name);
        if (v == null) {
            usage("--" + name + " is required");
        }
        return v;
    }

    static void usage(String why) {
        System.err.println(why + "\nusage: java bench/LoadTest.java --base URL --token-file FILE --run RUN_ID "
                + "--experiment EXPERIMENT_ID [--rate 300] [--seconds 60] [--warmup 10] [--connections 32] [--service-pid PID]");
        System.exit(2);
    }

    /** The abusive part of the mix (issue 18), with what each request must be answered. */
    static final class Abuse {

        private Abuse() {
        }

        /** Plants what the readers' abuses read (a run with 1000 series, 80 experiments with 60 KB params) and returns the kinds. */
        static List<Kind> kinds(HttpClient client, String base, String reader, String submitter) throws Exception {
            String experiment = post(client, base, "/api/v1/experiments", submitter,
                    "{\"name\": \"load-abuse-external\", \"external\": true}");
            String run = field(experiment, "\"runs\"\\s*:\\s*\\[\\s*\\{\\s*\"id\"\\s*:\\s*\"([^\"]+)\"");
            String experimentId = field(experiment, "^\\{\\s*\"id\"\\s*:\\s*\"([^\"]+)\"");
            StringBuilder series = new StringBuilder("{\"points\": [");
            for (int i = 0; i < 1000; i++) {
                for (int step = 0; step < 3; step++) {
                    series.append(i + step == 0 ? "" : ",").append("{\"name\": \"mi_tx:probe_").append(i)
                            .append("\", \"layer\": 1, \"step\": ").append(step * 10).append(", \"value\": ").append(1 + step + i % 7).append('}');
                }
            }
            post(client, base, "/api/v1/runs/" + run + "/metrics", submitter, series.append("]}").toString());
            String blob = "x".repeat(60_000);
            for (int i = 0; i < 80; i++) {
                post(client, base, "/api/v1/experiments", submitter, "{\"name\": \"load-abuse-params-" + i
                        + "\", \"external\": true, \"params\": {\"blob\": \"" + blob + "\"}}");
            }
            System.out.printf("abusive mix: run %s with 1000 series, 80 experiments with 60 KB of params%n", run);

            StringBuilder sweep = new StringBuilder("{\"name\": \"load-abuse-sweep\", \"task\": {\"type\": \"modular\", \"modulus\": 7}, \"sweep\": {");
            String[] paths = {"task.seed", "training.seed", "resources.priority", "optimizer.warmupSteps", "training.steps",
                "task.modulus", "model.layers", "measures.every", "training.batchSize", "resources.maxAttempts", "model.dModel"};
            for (int p = 0; p < paths.length; p++) {
                sweep.append(p == 0 ? "" : ", ").append('"').append(paths[p]).append("\": [");
                for (int v = 1; v <= 64; v++) {
                    sweep.append(v == 1 ? "" : ",").append(v);
                }
                sweep.append(']');
            }
            sweep.append("}}");
            String costly = "{\"name\": \"load-abuse-costly\", \"task\": {\"type\": \"modular\", \"modulus\": 1000}, "
                    + "\"model\": {\"layers\": 3, \"dModel\": 1024, \"heads\": 4, \"dMlp\": 4096}, "
                    + "\"training\": {\"steps\": 1000000, \"batchSize\": 65536}, \"measures\": {\"every\": 1}}";
            URI experiments = URI.create(base + "/api/v1/experiments");
            String oversizedHead = "POST /api/v1/experiments HTTP/1.1\r\nHost: " + experiments.getHost() + "\r\n"
                    + "Authorization: Bearer " + submitter + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (10 * 1024 * 1024 + 1) + "\r\n\r\n";
            String r = "/api/v1/runs/" + run;
            return List.of(
                    postKind("abuse: sweep of 2^66 runs", 2, base, "/api/v1/experiments", submitter, sweep.toString(), 400),
                    postKind("abuse: costliest spec", 2, base, "/api/v1/experiments", submitter, costly, 400),
                    postKind("abuse: NUL in a name", 2, base, "/api/v1/experiments", submitter,
                            "{\"name\": \"a\\u0000b\", \"external\": true}", 400),
                    postKind("abuse: 70 KB of params", 1, base, "/api/v1/experiments", submitter,
                            "{\"name\": \"p\", \"external\": true, \"params\": {\"b\": \"" + "y".repeat(70_000) + "\"}}", 400),
                    new Kind("abuse: body over 10M", 1, builder(base, "/api/v1/experiments", submitter).GET().build(),
                            Set.of(413), oversizedHead),
                    new Kind("abuse: made-up path, no token", 5, builder(base, "/api/probe/" + java.util.UUID.randomUUID(), null)
                            .GET().build(), Set.of(401)),
                    new Kind("abuse: run id 1-2-3-4-5", 3, builder(base, "/api/v1/runs/1-2-3-4-5", reader).GET().build(), Set.of(400)),
                    postKind("abuse: upload past the series limit", 3, base, r + "/metrics", submitter,
                            "{\"points\": [{\"name\": \"one_more\", \"step\": 1, \"value\": 1}]}", 400),
                    Kind.svg("abuse: plot of 1000 series", 2, base, r + "/plot.svg", reader),
                    Kind.get("abuse: phases of 1000 series", 2, base, r + "/phases", reader),
                    Kind.get("abuse: all 1000 series", 2, base, r + "/metrics", reader),
                    Kind.svg("abuse: information plane", 1, base, "/api/v1/experiments/" + experimentId + "/information-plane.svg", reader),
                    new Kind("abuse: 10^7 points", 2, builder(base, r + "/metrics?maxPoints=10000", reader).GET().build(), Set.of(400)),
                    Kind.get("abuse: page of 500 experiments", 2, base, "/api/v1/experiments?limit=500", reader));
        }

        static Kind postKind(String name, int weight, String base, String path, String token, String body, int status) {
            return new Kind(name, weight, builder(base, path, token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), Set.of(status));
        }

        static String post(HttpClient client, String base, String path, String token, String body) throws Exception {
            HttpResponse<String> resp = client.send(builder(base, path, token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new IllegalStateException("setting up the abusive mix: " + path + " answered " + resp.statusCode()
                        + " " + abbreviate(resp.body()));
            }
            return resp.body();
        }

        static String field(String json, String regex) {
            Matcher m = Pattern.compile(regex).matcher(json);
            if (!m.find()) {
                throw new IllegalStateException("no " + regex + " in " + abbreviate(json));
            }
            return m.group(1);
        }
    }

    /** Asks /q/health/ready and samples the service's RSS once a second while the measured phase runs. */
    static final class Probe {

        record Summary(int probes, int failures, double maxMillis, long rssStartMb, long rssMaxMb, long rssEndMb,
                       String rssTrace) {
        }

        private final Thread thread;
        private volatile boolean running = true;
        private int probes;
        private int failures;
        private double maxMillis;
        private final List<Long> rss = new ArrayList<>();

        private Probe(HttpClient client, String base, long pid) {
            HttpRequest health = HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).timeout(Duration.ofSeconds(5))
                    .GET().build();
            thread = new Thread(() -> {
                while (running) {
                    long t0 = System.nanoTime();
                    boolean ok;
                    try {
                        ok = client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    } catch (Exception e) {
                        ok = false;
                    }
                    synchronized (this) {
                        probes++;
                        failures += ok ? 0 : 1;
                        maxMillis = Math.max(maxMillis, (System.nanoTime() - t0) / 1e6);
                        rss.add(rssMb(pid));
                    }
                    LockSupport.parkNanos(Math.max(0, 1_000_000_000L - (System.nanoTime() - t0)));
                }
            }, "health-probe");
            thread.setDaemon(true);
        }

        static Probe start(HttpClient client, String base, long pid) {
            Probe p = new Probe(client, base, pid);
            p.thread.start();
            return p;
        }

        Summary stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
            synchronized (this) {
                long max = rss.stream().mapToLong(Long::longValue).max().orElse(0);
                StringBuilder trace = new StringBuilder();
                int every = Math.max(1, rss.size() / 10);
                for (int i = 0; i < rss.size(); i += every) {
                    trace.append(i == 0 ? "" : " ").append(rss.get(i));
                }
                return new Summary(probes, failures, maxMillis, rss.isEmpty() ? 0 : rss.get(0), max,
                        rss.isEmpty() ? 0 : rss.get(rss.size() - 1), trace + " MB (every " + every + " s)");
            }
        }

        /** Resident memory of the service's JVM (VmRSS), in MB; 0 without a pid. */
        static long rssMb(long pid) {
            if (pid <= 0) {
                return 0;
            }
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                    }
                }
            } catch (java.io.IOException gone) {
                // the service ended
            }
            return 0;
        }
    }
}
