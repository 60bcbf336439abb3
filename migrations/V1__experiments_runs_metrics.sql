-- twophase schema, version 1: experiments, runs (the job queue), metric points.
-- All DDL lives in this folder; the service applies it with Flyway at start-up.

CREATE TABLE experiment (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    external    boolean     NOT NULL DEFAULT false,
    spec        jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX experiment_created_at ON experiment (created_at DESC, id);
CREATE INDEX experiment_name ON experiment (name);

-- A run is both a unit of training and a queue entry. Workers claim runs with
-- FOR UPDATE SKIP LOCKED, hold a lease renewed by heartbeats, and fence every
-- write with (worker_id, attempt) so a worker that lost its lease changes nothing.
CREATE TABLE run (
    id                uuid        PRIMARY KEY,
    experiment_id     uuid        NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
    ordinal           integer     NOT NULL DEFAULT 0,
    spec              jsonb       NOT NULL,
    state             text        NOT NULL,
    device            text        NOT NULL,
    priority          integer     NOT NULL DEFAULT 0,
    attempt           integer     NOT NULL DEFAULT 0,
    max_attempts      integer     NOT NULL DEFAULT 3,
    run_after         timestamptz NOT NULL DEFAULT now(),
    worker_id         text,
    lease_expires_at  timestamptz,
    heartbeat_at      timestamptz,
    cancel_requested  boolean     NOT NULL DEFAULT false,
    step              bigint      NOT NULL DEFAULT 0,
    total_steps       bigint,
    steps_per_second  double precision,
    error             text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    CONSTRAINT run_state_known
        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'external')),
    CONSTRAINT run_device_known CHECK (device IN ('cpu', 'gpu', 'none')),
    CONSTRAINT run_priority_bounded CHECK (priority BETWEEN -100 AND 100),
    CONSTRAINT run_attempts_bounded CHECK (attempt >= 0 AND max_attempts BETWEEN 1 AND 10 AND attempt <= max_attempts),
    CONSTRAINT run_running_has_lease
        CHECK (state <> 'running' OR (worker_id IS NOT NULL AND lease_expires_at IS NOT NULL)),
    CONSTRAINT run_finished_has_finished_at
        CHECK ((state IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL)),
    CONSTRAINT run_step_in_range CHECK (step >= 0 AND (total_steps IS NULL OR step <= total_steps))
);
CREATE INDEX run_experiment ON run (experiment_id, ordinal);
-- Claiming scans only queued runs, best priority first, oldest first.
CREATE INDEX run_claimable ON run (device, priority DESC, run_after, created_at) WHERE state = 'queued';
-- The reaper scans only running runs by lease expiry.
CREATE INDEX run_lease ON run (lease_expires_at) WHERE state = 'running';

-- One value of one series at one step. The primary key makes every write
-- idempotent: a retried batch or a resumed run never duplicates a point.
CREATE TABLE metric_point (
    run_id       uuid             NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    name         text             NOT NULL,
    layer        integer          NOT NULL,
    step         bigint           NOT NULL,
    value        double precision NOT NULL,
    recorded_at  timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, name, layer, step),
    CONSTRAINT metric_point_finite CHECK (value NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)),
    CONSTRAINT metric_point_layer_non_negative CHECK (layer >= 0),
    CONSTRAINT metric_point_step_non_negative CHECK (step >= 0)
);
