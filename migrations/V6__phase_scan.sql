-- Where the phase detector last looked at each run, so its scheduled refresh reads a run's series
-- only when the run has new steps, and recomputes a finished run exactly once (final = true).
CREATE TABLE phase_scan (
    run_id        uuid        PRIMARY KEY REFERENCES run (id) ON DELETE CASCADE,
    scanned_step  bigint      NOT NULL,
    final         boolean     NOT NULL DEFAULT false,
    scanned_at    timestamptz NOT NULL DEFAULT now()
);
