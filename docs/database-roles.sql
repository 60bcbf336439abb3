-- Least-privilege PostgreSQL roles for a production deployment (docs/database-roles.md).
-- Run as the owner of the twophase schema (the role the API connects as, which also runs the
-- Flyway migrations) after the migrations have been applied. Replace the passwords.

-- Workers: claim and heartbeat runs, write metric points, checkpoints and phase events.
-- No DDL, no experiments, no API tokens.
CREATE ROLE twophase_worker LOGIN PASSWORD 'change-me-worker';
GRANT USAGE ON SCHEMA public TO twophase_worker;
GRANT SELECT, UPDATE ON run TO twophase_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON metric_series, metric_chunk, metric_rollup TO twophase_worker;
GRANT SELECT, INSERT, UPDATE ON checkpoint TO twophase_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON phase_event TO twophase_worker;

-- Grafana: reads experiments, runs, metric points and phase events; nothing else. Its panels call
-- metric_downsample (functions are executable by everyone), which reads the three metric tables.
CREATE ROLE twophase_grafana LOGIN PASSWORD 'change-me-grafana';
GRANT USAGE ON SCHEMA public TO twophase_grafana;
GRANT SELECT ON experiment, run, metric_series, metric_chunk, metric_rollup, metric_point, phase_event TO twophase_grafana;
ALTER ROLE twophase_grafana SET default_transaction_read_only = on;
