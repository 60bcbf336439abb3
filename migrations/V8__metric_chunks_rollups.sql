-- Metric points move from one row per point (about 140 bytes with its index) to one row per series
-- and chunk of 1,024 steps (about 10 bytes a point), with rollups kept at ingest so that a
-- downsampled read costs the same whatever the length of the series (docs/metric-store.md).
--
--   metric_series  one row per (run, name, layer); its id keys the two tables below.
--   metric_chunk   the points of steps [chunk * 1024, chunk * 1024 + 1023]: step offsets ascending
--                  (smallint) and their values, two parallel arrays.
--   metric_rollup  for every shift 8..40, the cell of steps [cell << shift, (cell + 1) << shift):
--                  its point count and its first, last, lowest and highest point (step and value).
--                  A shift-40 cell spans every step (MetricBatchParser.MAX_STEP < 2^40), so
--                  (shift 40, cell 0) is the whole series.
--
-- Only the functions below write metric_rollup; MetricStore calls metric_rollup_refresh after every
-- write of chunks, in the same transaction.

CREATE TABLE metric_series (
    id      bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id  uuid    NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    name    text    NOT NULL,
    layer   integer NOT NULL,
    CONSTRAINT metric_series_key UNIQUE (run_id, name, layer),
    CONSTRAINT metric_series_layer_non_negative CHECK (layer >= 0)
);

CREATE TABLE metric_chunk (
    series_id  bigint             NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
    chunk      bigint             NOT NULL,
    offsets    smallint[]         NOT NULL,
    vals       double precision[] NOT NULL,
    PRIMARY KEY (series_id, chunk),
    CONSTRAINT metric_chunk_non_negative CHECK (chunk >= 0),
    CONSTRAINT metric_chunk_arrays_match
        CHECK (cardinality(offsets) = cardinality(vals) AND cardinality(offsets) BETWEEN 1 AND 1024),
    CONSTRAINT metric_chunk_finite
        CHECK (NOT ('NaN'::float8 = ANY (vals) OR 'Infinity'::float8 = ANY (vals) OR '-Infinity'::float8 = ANY (vals)))
);

CREATE TABLE metric_rollup (
    series_id    bigint           NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
    shift        smallint         NOT NULL,
    cell         bigint           NOT NULL,
    n            bigint           NOT NULL,
    first_step   bigint           NOT NULL,
    first_value  double precision NOT NULL,
    last_step    bigint           NOT NULL,
    last_value   double precision NOT NULL,
    min_step     bigint           NOT NULL,
    min_value    double precision NOT NULL,
    max_step     bigint           NOT NULL,
    max_value    double precision NOT NULL,
    PRIMARY KEY (series_id, shift, cell),
    CONSTRAINT metric_rollup_shift_known CHECK (shift BETWEEN 8 AND 40)
);

-- The points of one series in steps [p_from, p_to], from the chunks that hold them. A SQL function, so the
-- planner inlines it where it is called.
CREATE FUNCTION metric_points(p_series bigint, p_from bigint, p_to bigint)
RETURNS TABLE (step bigint, value float8)
LANGUAGE sql STABLE AS $$
    SELECT x.step, x.value
      FROM metric_chunk c
     CROSS JOIN LATERAL unnest(c.offsets, c.vals) u(o, v)
     CROSS JOIN LATERAL (SELECT (c.chunk << 10) + u.o AS step, u.v AS value) x
     WHERE c.series_id = p_series AND c.chunk BETWEEN p_from >> 10 AND p_to >> 10
       AND x.step BETWEEN p_from AND p_to
$$;

-- Recomputes every rollup cell of shift p_from..40 that contains one of the given chunks, finest first:
-- shift 8 from the chunks' points, each coarser shift from its two children. Writes only add or change
-- points, so a cell never empties here; metric_delete_after removes the cells it empties itself.
-- Steps travel as float8 inside the [value, step] pairs; exact, as steps stay below 2^53.
-- (MetricStore computes shift 8 from the chunks it has just merged and starts at 9.)
CREATE FUNCTION metric_rollup_refresh(p_series bigint[], p_chunks bigint[], p_from integer DEFAULT 8) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s integer;
BEGIN
    FOR s IN greatest(p_from, 8)..40 LOOP
        INSERT INTO metric_rollup
        SELECT series_id, s, cell, n, f[1]::bigint, f[2], l[1]::bigint, l[2], lo[2]::bigint, lo[1], hi[2]::bigint, hi[1]
          FROM (-- shift 8: the four cells of each chunk, from its points
                SELECT k.series_id, x.cell, x.n, x.f, x.l, x.lo, x.hi
                  FROM (SELECT DISTINCT * FROM unnest(p_series, p_chunks)) k(series_id, chunk)
                 CROSS JOIN LATERAL (
                       SELECT pt.step >> 8 AS cell, count(*) AS n,
                              min(ARRAY[pt.step::float8, pt.value]) AS f, max(ARRAY[pt.step::float8, pt.value]) AS l,
                              min(ARRAY[pt.value, pt.step::float8]) AS lo, max(ARRAY[pt.value, pt.step::float8]) AS hi
                         FROM metric_points(k.series_id, k.chunk << 10, ((k.chunk + 1) << 10) - 1) pt
                        GROUP BY pt.step >> 8) x
                 WHERE s = 8
                UNION ALL
                -- coarser shifts: each cell from its two children. LATERAL: two primary-key probes per cell,
                -- never a scan of the shift (the planner cannot see how few cells the arrays hold).
                SELECT a.series_id, a.cell, x.n, x.f, x.l, x.lo, x.hi
                  FROM (SELECT DISTINCT k.series_id, g.cell
                          FROM unnest(p_series, p_chunks) k(series_id, chunk),
                               generate_series((k.chunk << 10) >> s, (((k.chunk + 1) << 10) - 1) >> s) g(cell)) a
                 CROSS JOIN LATERAL (
                       SELECT sum(r.n)::bigint AS n,
                              min(ARRAY[r.first_step::float8, r.first_value]) AS f,
                              max(ARRAY[r.last_step::float8, r.last_value]) AS l,
                              min(ARRAY[r.min_value, r.min_step::float8]) AS lo,
                              max(ARRAY[r.max_value, r.max_step::float8]) AS hi
                         FROM metric_rollup r
                        WHERE r.series_id = a.series_id AND r.shift = s - 1
                          AND r.cell BETWEEN a.cell * 2 AND a.cell * 2 + 1) x
                 WHERE s > 8 AND x.n IS NOT NULL) t
        ON CONFLICT (series_id, shift, cell) DO UPDATE
           SET n = excluded.n, first_step = excluded.first_step, first_value = excluded.first_value,
               last_step = excluded.last_step, last_value = excluded.last_value,
               min_step = excluded.min_step, min_value = excluded.min_value,
               max_step = excluded.max_step, max_value = excluded.max_value;
    END LOOP;
END $$;

-- The points of one series in steps [p_from, p_to] as summary pieces, each n points with their
-- first, last, lowest and highest: the largest rollup cells of shift 8..p_top (p_top >= 8) that fit
-- inside the range (a canonical dyadic cover, at most two cells per shift besides those of shift p_top),
-- and single points for the sub-256-step ends.
-- The cost is bounded by the number of shift-p_top cells in the range, not by the series length.
CREATE FUNCTION metric_pieces(p_series bigint, p_from bigint, p_to bigint, p_top integer)
RETURNS TABLE (n bigint, first_step bigint, first_value float8, last_step bigint, last_value float8,
               min_step bigint, min_value float8, max_step bigint, max_value float8)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lo bigint := greatest(p_from, 0);
    hi bigint := p_to + 1;                -- exclusive
    a bigint := ((lo + 255) >> 8) << 8;   -- the cells cover [a, b); single points cover the rest
    b bigint := (hi >> 8) << 8;
    cur bigint;
    s integer;
    shifts integer[] := '{}';
    cells bigint[] := '{}';
BEGIN
    IF hi <= lo THEN
        RETURN;
    END IF;
    IF a >= b THEN
        a := hi;
        b := hi;
    END IF;
    cur := a;
    WHILE cur < b LOOP
        s := least(p_top, 40);
        WHILE s > 8 AND ((cur & ((1::bigint << s) - 1)) <> 0 OR cur + (1::bigint << s) > b) LOOP
            s := s - 1;
        END LOOP;
        shifts := shifts || s;
        cells := cells || (cur >> s);
        cur := cur + (1::bigint << s);
    END LOOP;
    RETURN QUERY
        SELECT r.n, r.first_step, r.first_value, r.last_step, r.last_value, r.min_step, r.min_value,
               r.max_step, r.max_value
          FROM unnest(shifts, cells) u(s, cell)
         CROSS JOIN LATERAL (SELECT * FROM metric_rollup r0
                              WHERE r0.series_id = p_series AND r0.shift = u.s AND r0.cell = u.cell) r
        UNION ALL
        SELECT 1::bigint, pt.step, pt.value, pt.step, pt.value, pt.step, pt.value, pt.step, pt.value
          FROM metric_points(p_series, lo, a - 1) pt
        UNION ALL
        SELECT 1::bigint, pt.step, pt.value, pt.step, pt.value, pt.step, pt.value, pt.step, pt.value
          FROM metric_points(p_series, b, hi - 1) pt;
END $$;

-- A series downsampled to at most p_max points (p_max >= 4). Ranges holding at most p_max points come
-- back whole. Otherwise the buckets are the aligned blocks of 2^k steps, k the smallest for which the
-- steps from the range's first point to its last meet at most (p_max - 2) / 2 blocks; each bucket gives its lowest and highest point, and the
-- first and last point of the range are always kept. Blocks of 256 steps or more are read from the
-- rollups, so the cost depends on the number of buckets, not on the length of the series.
CREATE FUNCTION metric_downsample(p_series bigint, p_from bigint, p_to bigint, p_max integer)
RETURNS TABLE (step bigint, value float8)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    buckets bigint := (p_max - 2) / 2;
    k integer := 0;
    total bigint;
    lo bigint;
    hi bigint;
BEGIN
    IF p_max < 4 THEN
        RAISE EXCEPTION 'p_max must be at least 4, not %', p_max;
    END IF;
    -- The points in [p_from, p_to]: how many, and the first and last step among them. The shift-40 cell is
    -- the whole series; it answers alone when the range holds all of it (the usual read).
    SELECT r.n, r.first_step, r.last_step INTO total, lo, hi
      FROM metric_rollup r WHERE r.series_id = p_series AND r.shift = 40 AND r.cell = 0;
    IF total IS NULL THEN
        RETURN;
    END IF;
    IF lo < p_from OR hi > p_to THEN
        SELECT coalesce(sum(p.n), 0), min(p.first_step), max(p.last_step) INTO total, lo, hi
          FROM metric_pieces(p_series, p_from, p_to, 40) p;
    END IF;
    IF total <= p_max THEN
        RETURN QUERY SELECT pt.step, pt.value FROM metric_points(p_series, p_from, p_to) pt ORDER BY 1;
        RETURN;
    END IF;
    WHILE (hi >> k) - (lo >> k) + 1 > buckets LOOP
        k := k + 1;
    END LOOP;
    IF k < 8 THEN
        -- Buckets finer than the rollups: every point of the range, straight from the chunks.
        RETURN QUERY
            WITH p AS (SELECT pt.step, pt.value AS v FROM metric_points(p_series, lo, hi) pt),
                 b AS (SELECT min(ARRAY[p.v, p.step::float8]) AS lo, max(ARRAY[p.v, p.step::float8]) AS hi
                         FROM p GROUP BY p.step >> k)
            SELECT DISTINCT ON (x.step) x.step, x.value
              FROM (SELECT b.lo[2]::bigint AS step, b.lo[1] AS value FROM b
                    UNION ALL SELECT b.hi[2]::bigint, b.hi[1] FROM b
                    UNION ALL (SELECT p.step, p.v FROM p ORDER BY p.step LIMIT 1)
                    UNION ALL (SELECT p.step, p.v FROM p ORDER BY p.step DESC LIMIT 1)) x
             ORDER BY x.step;
        RETURN;
    END IF;
    RETURN QUERY
        WITH p AS (SELECT * FROM metric_pieces(p_series, lo, hi, k)),
             b AS (SELECT min(ARRAY[p.min_value, p.min_step::float8]) AS lo,
                          max(ARRAY[p.max_value, p.max_step::float8]) AS hi
                     FROM p GROUP BY p.first_step >> k),
             e AS (SELECT min(ARRAY[p.first_step::float8, p.first_value]) AS f,
                          max(ARRAY[p.last_step::float8, p.last_value]) AS l FROM p)
        SELECT DISTINCT ON (x.step) x.step, x.value
          FROM (SELECT b.lo[2]::bigint AS step, b.lo[1] AS value FROM b
                UNION ALL SELECT b.hi[2]::bigint, b.hi[1] FROM b
                UNION ALL SELECT e.f[1]::bigint, e.f[2] FROM e
                UNION ALL SELECT e.l[1]::bigint, e.l[2] FROM e) x
         ORDER BY x.step;
END $$;

-- Removes a run's points after p_step (every point for p_step < 0) and mends the rollups: a resumed
-- attempt recomputes everything after its checkpoint.
CREATE FUNCTION metric_delete_after(p_run uuid, p_step bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF p_step < 0 THEN
        DELETE FROM metric_series WHERE run_id = p_run;
        RETURN;
    END IF;
    SELECT array_agg(id) INTO ids FROM metric_series WHERE run_id = p_run;
    IF ids IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM metric_chunk WHERE series_id = ANY (ids) AND chunk > p_step >> 10;
    DELETE FROM metric_chunk WHERE series_id = ANY (ids) AND chunk = p_step >> 10
                               AND offsets[1] > p_step - ((p_step >> 10) << 10);
    UPDATE metric_chunk c
       SET offsets = t.offsets, vals = t.vals
      FROM (SELECT c2.series_id, array_agg(p.o ORDER BY p.o) AS offsets, array_agg(p.v ORDER BY p.o) AS vals
              FROM metric_chunk c2 CROSS JOIN LATERAL unnest(c2.offsets, c2.vals) p(o, v)
             WHERE c2.series_id = ANY (ids) AND c2.chunk = p_step >> 10
               AND p.o <= p_step - ((p_step >> 10) << 10)
             GROUP BY c2.series_id) t
     WHERE c.series_id = t.series_id AND c.chunk = p_step >> 10
       AND cardinality(c.offsets) <> cardinality(t.offsets);
    -- Cells after the step go; those holding it are rebuilt from what is left (and stay gone if nothing is).
    DELETE FROM metric_rollup WHERE series_id = ANY (ids) AND cell >= p_step >> shift;
    PERFORM metric_rollup_refresh(ids, array_fill(p_step >> 10, ARRAY[cardinality(ids)]));
END $$;

-- Move the points over, one chunk row per series and 1,024 steps, then build the rollups.
INSERT INTO metric_series (run_id, name, layer)
SELECT DISTINCT run_id, name, layer FROM metric_point ORDER BY 1, 2, 3;

INSERT INTO metric_chunk (series_id, chunk, offsets, vals)
SELECT s.id, p.step >> 10, array_agg((p.step & 1023)::smallint ORDER BY p.step), array_agg(p.value ORDER BY p.step)
  FROM metric_point p
  JOIN metric_series s ON s.run_id = p.run_id AND s.name = p.name AND s.layer = p.layer
 GROUP BY s.id, p.step >> 10;

SELECT metric_rollup_refresh(array_agg(series_id), array_agg(chunk)) FROM metric_chunk GROUP BY series_id;

DROP TABLE metric_point;

-- Every point as a row, for ad-hoc SQL (it reads whole chunks; metric_downsample is the fast path).
CREATE VIEW metric_point AS
SELECT s.run_id, s.name, s.layer, (c.chunk << 10) + p.o AS step, p.v AS value
  FROM metric_series s
  JOIN metric_chunk c ON c.series_id = s.id
 CROSS JOIN LATERAL unnest(c.offsets, c.vals) p(o, v);
