-- twophase schema, version 3: training checkpoints and API tokens.

-- The latest checkpoint of a run: everything its engine needs to continue the same trajectory
-- (TrainingEngine.saveState). One row per run, replaced in place; written only by the worker
-- holding the run's lease (the insert is fenced by worker and attempt, see CheckpointStore).
CREATE TABLE checkpoint (
    run_id      uuid        PRIMARY KEY REFERENCES run (id) ON DELETE CASCADE,
    step        bigint      NOT NULL,
    attempt     integer     NOT NULL,
    worker_id   text        NOT NULL,
    engine      text        NOT NULL,           -- implementation that wrote state (its format)
    state       bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT checkpoint_step_non_negative CHECK (step >= 0)
);

-- Bearer tokens of the HTTP API. Only a SHA-256 hash of each token is stored: the token itself is
-- shown once, when it is created. A revoked token stays for the record and no longer authenticates.
CREATE TABLE api_token (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role        text        NOT NULL,
    token_hash  text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CONSTRAINT api_token_role_known CHECK (role IN ('reader', 'submitter')),
    CONSTRAINT api_token_hash_is_sha256 CHECK (token_hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX api_token_name ON api_token (name);
