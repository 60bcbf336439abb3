package dev.twophase.platform;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Typed view of every {@code twophase.*} setting; application.properties documents them. */
@ConfigMapping(prefix = "twophase")
public interface TwophaseConfig {

    /** all = API plus in-process worker, api = HTTP only, worker = training only. */
    @WithDefault("all")
    Role role();

    Worker worker();

    Queue queue();

    Limits limits();

    Startup startup();

    Phases phases();

    EmbeddedPostgres embeddedPostgres();

    Auth auth();

    enum Role {
        all, api, worker;

        public boolean runsWorker() {
            return this != api;
        }

        public boolean runsApi() {
            return this != worker;
        }
    }

    interface Worker {
        /** Device class of the runs this process claims: cpu or gpu. */
        @WithDefault("cpu")
        String device();

        @WithDefault("1")
        int threads();

        /** Training engine: direct (hand-written ND4J, the fast default) or samediff (the graph reference). */
        @WithDefault("direct")
        String engine();

        @WithDefault("30s")
        Duration lease();

        @WithDefault("1s")
        Duration heartbeatInterval();

        @WithDefault("1s")
        Duration pollInterval();

        @WithDefault("1s")
        Duration flushInterval();

        @WithDefault("5000")
        int flushPoints();

        /** A running run saves its full training state every this many steps (and when its worker stops). */
        @WithDefault("200")
        int checkpointEvery();

        /**
         * How long a stopping worker (SIGTERM) may take to finish its step, checkpoint and release its
         * run; keep it below the pod's termination grace period.
         */
        @WithDefault("20s")
        Duration shutdownGrace();

        /** Longest wait between retries while the database is unreachable. */
        @WithDefault("10s")
        Duration maxRetryDelay();
    }

    interface Queue {
        @WithDefault("5s")
        Duration reaperInterval();

        /** Delay before a failed attempt is retried, doubled for every further attempt. */
        @WithDefault("10s")
        Duration retryBackoff();
    }

    interface Limits {
        @WithDefault("1000000")
        long maxSteps();

        @WithDefault("1000")
        int maxModulus();

        @WithDefault("4")
        int maxLayers();

        @WithDefault("1024")
        int maxDModel();

        @WithDefault("4096")
        int maxDMlp();

        @WithDefault("65536")
        int maxBatchSize();

        @WithDefault("50000000")
        long maxParameters();

        @WithDefault("100000")
        int maxPointsPerRequest();

        @WithDefault("10000")
        int maxQueryPoints();

        /** Runs one sweep may expand to (the cartesian product of its values). */
        @WithDefault("64")
        int sweepRuns();

        /** Size of a spec's free-form {@code params} as JSON text. */
        @WithDefault("65536")
        int maxParamsBytes();

        /** Estimated floating-point operations of one training step (experiment.spec.SpecCost). */
        @WithDefault("1e12")
        double maxStepFlops();

        /** Estimated floating-point operations of one measurement pass. */
        @WithDefault("1e13")
        double maxMeasureFlops();

        /** Estimated activations one measurement pass holds at once. */
        @WithDefault("2G")
        MemorySize maxMeasureMemory();

        /** Series (name, layer) one run may have; an upload that would add more is refused. */
        @WithDefault("1000")
        int maxSeriesPerRun();

        /** Points one metrics query may return: matching series times maxPoints. */
        @WithDefault("1000000")
        long maxResponsePoints();

        /** Size of one page of a list endpoint (experiments); a page holds fewer items rather than more bytes. */
        @WithDefault("4M")
        MemorySize maxPageBytes();
    }

    interface Phases {
        /** How often stored phase events of running and just-finished runs are brought up to date. */
        @WithDefault("10s")
        java.time.Duration refreshInterval();
    }

    interface Startup {
        /** A spec file submitted once at start-up unless an experiment of that name exists. */
        Optional<String> submit();
    }

    interface EmbeddedPostgres {
        /** Read by EmbeddedPostgresConfigSourceFactory before this mapping exists; here for documentation. */
        @WithDefault("data/postgres")
        String dataDir();

        @WithDefault("false")
        boolean ephemeral();

        @WithDefault("0")
        int port();

        /** Use the server of a twophase already running on the data directory (set by the token CLI). */
        @WithDefault("false")
        boolean attach();
    }

    /** Bearer tokens of the HTTP API (platform.security); tokens in the database come from the CLI. */
    interface Auth {
        /** Tokens given by configuration: name -> SHA-256 (hex) of the token and its role. */
        Map<String, Token> tokens();

        /**
         * With the embedded database and no token anywhere, create one at start-up, save it to
         * {@code token-file} (mode 0600) and print it.
         */
        @WithDefault("true")
        boolean bootstrap();

        /** Where the bootstrap token is saved; default: {@code api-token} beside the embedded data directory. */
        Optional<String> tokenFile();

        /**
         * How long a stored token's role is remembered, so repeated requests cost no SQL; a token revoked by
         * another process (the CLI) still works for at most this long. 0 looks every token up every time.
         */
        @WithDefault("1s")
        Duration tokenCacheTtl();

        interface Token {
            String sha256();

            String role();
        }
    }
}
