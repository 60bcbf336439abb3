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
 * [--service-pid PID]} (bench/load-test.sh does everything around it). Only the JDK: no dependency
 * of the service.
 *
 * <p>Prints per request kind and overall counts and latency percentiles, the run's steps/s during
 * the measured phase, and as its last line
 * {@code rps=… p50_ms=… p90_ms=… p99_ms=… max_ms=… errors=… requests=… steps_per_s_during=…
 * service_cpu_cores_during=…} (CPU of the service and its PostgreSQL, from /proc, with --service-pid).
 * Exits 1 when any request failed (non-2xx or exception), 2 on bad arguments.
 */
public class LoadTest {

    /** One kind of request in the mix; weights are relative. */
    record Kind(String name, int weight, String path) {
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
        List<Kind> kinds = List.of(
                new Kind("run status", 30, r),
                new Kind("experiment status", 10, "/api/v1/experiments/" + experiment),
                new Kind("series list", 10, r + "/series"),
                new Kind("metrics train/test acc", 20, r + "/metrics?name=train_acc&name=test_acc&maxPoints=200"),
                new Kind("metrics batch loss, all steps", 15, r + "/metrics?name=train_batch_loss&maxPoints=500"),
                new Kind("metrics mi_tx layer 1", 10, r + "/metrics?name=mi_tx&layer=1&maxPoints=100"),
                new Kind("metrics all series", 5, r + "/metrics?maxPoints=50"));
        int[] schedule = schedule(kinds);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<HttpRequest> requests = new ArrayList<>();
        for (Kind k : kinds) {
            requests.add(HttpRequest.newBuilder(URI.create(base + k.path())).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build());
        }

        if (warmup > 0) {
            System.out.printf("warm-up: %d s at %.0f requests/s (not counted)%n", warmup, rate);
            fire(client, requests, schedule, rate, (int) Math.round(rate * warmup), connections);
        }
        Map<String, double[]> serverBefore = serverTimes(client, base);
        long stepBefore = step(client, base + r, token);
        long cpuBefore = cpuTicks(servicePid);
        long t0 = System.nanoTime();
        int n = (int) Math.round(rate * seconds);
        System.out.printf("measuring: %d requests over %d s at %.0f requests/s, open loop over %d connections%n",
                n, seconds, rate, connections);
        Result result = fire(client, requests, schedule, rate, n, connections);
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
        System.out.printf("rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f errors=%d requests=%d "
                        + "steps_per_s_during=%.2f service_cpu_cores_during=%.2f%n",
                rps, ms(pct(all, 50)), ms(pct(all, 90)), ms(pct(all, 99)), ms(pct(all, 100)), errors, n, during,
                serviceCores);
        System.exit(errors == 0 ? 0 : 1);
    }

    record Result(Sample sample, long elapsedNanos, long maxSendLagNanos, List<String> firstErrors) {
    }

    /**
     * Sends n requests at the rate over a fixed number of connections (like wrk2): request i is due at
     * start + i / rate and waits in a queue until a connection is free, which counts in its latency.
     */
    static Result fire(HttpClient client, List<HttpRequest> requests, int[] schedule, double rate, int n,
                       int connections) throws InterruptedException {
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
                            HttpResponse<String> resp = client.send(requests.get(k), HttpResponse.BodyHandlers.ofString());
                            error = resp.statusCode() / 100 != 2 ? resp.statusCode() + " " + abbreviate(resp.body())
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
                                    errors.add(requests.get(k).uri().getPath() + ": " + error);
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
        for (Thread t : senders) {
            t.join(TimeUnit.SECONDS.toMillis(300));
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
}
