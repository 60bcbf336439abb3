package dev.twophase.platform;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * API requests in flight in this process. With role {@code all} the in-process worker trains beside the API on
 * the same cores; it waits for the requests of the moment to be answered before its next step (at most
 * {@code maxWaitNanos}), so a reader is not served behind a training step.
 */
@ApplicationScoped
public class RequestActivity {

    /**
     * After the body limit (RequestBodyLimit.ORDER) and Quarkus' upload limit (-2): a request is counted once its
     * body is in, so a client that sends slowly, or too much, is never waited for.
     */
    static final int ORDER = -1;

    private final AtomicInteger inFlight = new AtomicInteger();

    void install(@Observes Router router) {
        router.route("/api/*").order(ORDER).handler(context -> {
            inFlight.incrementAndGet();
            context.addEndHandler(done -> inFlight.decrementAndGet());
            context.next();
        });
    }

    /** Requests being answered now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Returns once no API request is in flight, or after {@code maxWaitNanos}. */
    public void awaitQuiet(long maxWaitNanos) {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(200_000);
        }
    }
}
