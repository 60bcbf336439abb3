-- Where a confirmed phase event stands, and how its interval was made. A run's final recompute no
-- longer replaces its events: those it finds again become 'final' (its step and interval), those
-- confirmed while the run trained but not found again stay, marked 'live_only', so a Grafana
-- annotation never vanishes when the run ends.
ALTER TABLE phase_event
    ADD COLUMN status          text NOT NULL DEFAULT 'live',
    ADD COLUMN interval_method text NOT NULL DEFAULT 'noise band',
    ADD CONSTRAINT phase_event_status_known CHECK (status IN ('live', 'final', 'live_only'));
