-- Upright fleet roll-up for DuckDB: the table every query below reads.
-- Set where the collected files are, then run this file and any query:
--   duckdb -c "SET VARIABLE aggregate_files = '/srv/upright/*.json'" \
--          -c ".read summaries.sql" -c ".read share_taken_by_week.sql"
-- Each file is one user's day (deploy/aggregate.schema.json). The files are read once, as text,
-- and parsed with one json_transform (much faster over many small files than read_json);
-- a file that is not JSON, or of another format (or a newer one), is left out rather than guessed at.
-- Many small files are read best on one thread: 45,000 files took 2.9 s and 180 MiB on one,
-- 18.5 s and 4.8 GiB on two (DuckDB 2.0, 2 cores, python -m benchmarks.fleet); reset after.
SET threads = 1;
CREATE OR REPLACE TABLE summaries AS
WITH parsed AS (
    SELECT json_transform(try_cast(content AS JSON), '{
        "format": "VARCHAR", "day": "DATE", "token": "VARCHAR", "upright_version": "VARCHAR",
        "policy": "JSON", "sitting_min": "INTEGER", "longest_bout_min": "INTEGER", "standing_min": "INTEGER",
        "natural_break_min": "INTEGER", "breaks_prompted": "INTEGER", "breaks_taken": "INTEGER",
        "breaks_postponed": "INTEGER", "breaks_skipped": "INTEGER", "natural_breaks": "INTEGER",
        "held_for_presentation": "INTEGER"}') AS s
    FROM read_text(getvariable('aggregate_files'))
)
SELECT unnest(s)
FROM parsed
WHERE s.format = 'upright-aggregate/1' AND s.day IS NOT NULL;
RESET threads;
