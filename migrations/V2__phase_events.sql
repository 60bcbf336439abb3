-- Confirmed phase events of a run, written by the phase detector (while a run trains and again
-- when it finishes) so Grafana can draw them as annotations. One row per (run, kind, metric, layer).
CREATE TABLE phase_event (
    run_id       uuid             NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    kind         text             NOT NULL,           -- e.g. fitting_end, generalization_onset, compression_onset
    metric       text             NOT NULL,           -- the series it was found in, e.g. test_acc, mi_tx:kde_upper
    layer        integer          NOT NULL,           -- 0 = whole model, else block number
    step         bigint           NOT NULL,
    step_low     bigint           NOT NULL,           -- uncertainty interval of the step
    step_high    bigint           NOT NULL,
    value        double precision,                    -- the series' value at the event, when it has one
    rule         text             NOT NULL,           -- the detection rule and its parameters, human-readable
    parameters   jsonb            NOT NULL DEFAULT '{}'::jsonb,
    detected_at  timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, kind, metric, layer),
    CONSTRAINT phase_event_interval CHECK (step_low <= step AND step <= step_high AND step_low >= 0),
    CONSTRAINT phase_event_layer_non_negative CHECK (layer >= 0)
);
CREATE INDEX phase_event_run_step ON phase_event (run_id, step);
