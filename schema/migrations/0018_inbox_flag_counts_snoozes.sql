ALTER TABLE "inbox_flag_counts" ADD COLUMN "snoozed_until" timestamp with time zone;
--> statement-breakpoint
-- The kept counts take in snoozed flags too, each under its snooze's end (`snoozed_until`; open flags under
-- null), so that reading them needs no count of the snoozes that ended: the inbox sums the rows whose end is
-- null or has come. A snooze without an end never shows and is not counted. Same triggers as 0017; what
-- counts is now "open, or snoozed until a time", grouped by that time as well as by kind.
CREATE OR REPLACE FUNCTION inbox_flag_counts_recount(max_age interval) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7214032512);
  IF EXISTS (SELECT 1 FROM inbox_flag_counts WHERE counted_at > clock_timestamp() - max_age) THEN
    RETURN false;
  END IF;
  WITH gone AS (DELETE FROM inbox_flag_counts RETURNING 1)
  INSERT INTO inbox_flag_counts (kind, snoozed_until, n, counted_at)
  SELECT f.kind, CASE WHEN f.state = 'open' THEN NULL ELSE f.snoozed_until END, count(*), clock_timestamp()
  FROM flags f
  JOIN tasks t ON t.key = f.task_key AND t.deleted_at IS NULL
  WHERE (f.state = 'open' OR (f.state = 'snoozed' AND f.snoozed_until IS NOT NULL))
    AND NOT EXISTS (SELECT 1 FROM inbox_task_states s
                    WHERE s.task_key = f.task_key AND (s.muted_at IS NOT NULL OR s.done_at IS NOT NULL))
  GROUP BY 1, 2
  UNION ALL SELECT '', NULL, 0, clock_timestamp();
  RETURN true;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION inbox_flag_counts_of_flags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO inbox_flag_counts (kind, snoozed_until, n)
    SELECT r.kind, CASE WHEN r.state = 'open' THEN NULL ELSE r.snoozed_until END, count(*) FROM new_rows r
    WHERE (r.state = 'open' OR (r.state = 'snoozed' AND r.snoozed_until IS NOT NULL))
      AND inbox_flag_counts_task_counts(r.task_key)
    GROUP BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO inbox_flag_counts (kind, snoozed_until, n)
    SELECT r.kind, CASE WHEN r.state = 'open' THEN NULL ELSE r.snoozed_until END, -count(*) FROM old_rows r
    WHERE (r.state = 'open' OR (r.state = 'snoozed' AND r.snoozed_until IS NOT NULL))
      AND inbox_flag_counts_task_counts(r.task_key)
    GROUP BY 1, 2;
  ELSE
    INSERT INTO inbox_flag_counts (kind, snoozed_until, n)
    SELECT c.kind, c.until, sum(c.d) FROM (
      SELECT x.kind, x.task_key, x.until, sum(x.d) AS d FROM (
        SELECT r.kind, r.task_key, CASE WHEN r.state = 'open' THEN NULL ELSE r.snoozed_until END AS until, 1 AS d
        FROM new_rows r WHERE r.state = 'open' OR (r.state = 'snoozed' AND r.snoozed_until IS NOT NULL)
        UNION ALL
        SELECT r.kind, r.task_key, CASE WHEN r.state = 'open' THEN NULL ELSE r.snoozed_until END, -1
        FROM old_rows r WHERE r.state = 'open' OR (r.state = 'snoozed' AND r.snoozed_until IS NOT NULL)
      ) x GROUP BY x.kind, x.task_key, x.until HAVING sum(x.d) <> 0
    ) c
    WHERE inbox_flag_counts_task_counts(c.task_key)
    GROUP BY c.kind, c.until HAVING sum(c.d) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION inbox_flag_counts_of_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO inbox_flag_counts (kind, snoozed_until, n)
    SELECT f.kind, CASE WHEN f.state = 'open' THEN NULL ELSE f.snoozed_until END, count(*) FROM new_rows r
    JOIN flags f ON f.task_key = r.key
      AND (f.state = 'open' OR (f.state = 'snoozed' AND f.snoozed_until IS NOT NULL))
    WHERE r.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM inbox_task_states s
                      WHERE s.task_key = r.key AND (s.muted_at IS NOT NULL OR s.done_at IS NOT NULL))
    GROUP BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO inbox_flag_counts (kind, snoozed_until, n)
    SELECT f.kind, CASE WHEN f.state = 'open' THEN NULL ELSE f.snoozed_until END, -count(*) FROM old_rows r
    JOIN flags f ON f.task_key = r.key
      AND (f.state = 'open' OR (f.state = 'snoozed' AND f.snoozed_until IS NOT NULL))
    WHERE r.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM inbox_task_states s
                      WHERE s.task_key = r.key AND (s.muted_at IS NOT NULL OR s.done_at IS NOT NULL))
    GROUP BY 1, 2;
  ELSE
    INSERT INTO inbox_flag_counts (kind, snoozed_until, n)
    SELECT f.kind, CASE WHEN f.state = 'open' THEN NULL ELSE f.snoozed_until END, sum(c.d) FROM (
      SELECT x.key, sum(x.d) AS d FROM (
        SELECT r.key, 1 AS d FROM new_rows r WHERE r.deleted_at IS NULL
        UNION ALL
        SELECT r.key, -1 AS d FROM old_rows r WHERE r.deleted_at IS NULL
      ) x GROUP BY x.key HAVING sum(x.d) <> 0
    ) c
    JOIN flags f ON f.task_key = c.key
      AND (f.state = 'open' OR (f.state = 'snoozed' AND f.snoozed_until IS NOT NULL))
    WHERE NOT EXISTS (SELECT 1 FROM inbox_task_states s
                      WHERE s.task_key = c.key AND (s.muted_at IS NOT NULL OR s.done_at IS NOT NULL))
    GROUP BY 1, 2 HAVING sum(c.d) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION inbox_flag_counts_of_task_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO inbox_flag_counts (kind, snoozed_until, n)
    SELECT f.kind, CASE WHEN f.state = 'open' THEN NULL ELSE f.snoozed_until END, -count(*) FROM new_rows r
    JOIN flags f ON f.task_key = r.task_key
      AND (f.state = 'open' OR (f.state = 'snoozed' AND f.snoozed_until IS NOT NULL))
    JOIN tasks t ON t.key = r.task_key AND t.deleted_at IS NULL
    WHERE r.muted_at IS NOT NULL OR r.done_at IS NOT NULL
    GROUP BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO inbox_flag_counts (kind, snoozed_until, n)
    SELECT f.kind, CASE WHEN f.state = 'open' THEN NULL ELSE f.snoozed_until END, count(*) FROM old_rows r
    JOIN flags f ON f.task_key = r.task_key
      AND (f.state = 'open' OR (f.state = 'snoozed' AND f.snoozed_until IS NOT NULL))
    JOIN tasks t ON t.key = r.task_key AND t.deleted_at IS NULL
    WHERE r.muted_at IS NOT NULL OR r.done_at IS NOT NULL
    GROUP BY 1, 2;
  ELSE
    INSERT INTO inbox_flag_counts (kind, snoozed_until, n)
    SELECT f.kind, CASE WHEN f.state = 'open' THEN NULL ELSE f.snoozed_until END, -sum(c.d) FROM (
      SELECT x.task_key, sum(x.d) AS d FROM (
        SELECT r.task_key, 1 AS d FROM new_rows r WHERE r.muted_at IS NOT NULL OR r.done_at IS NOT NULL
        UNION ALL
        SELECT r.task_key, -1 AS d FROM old_rows r WHERE r.muted_at IS NOT NULL OR r.done_at IS NOT NULL
      ) x GROUP BY x.task_key HAVING sum(x.d) <> 0
    ) c
    JOIN flags f ON f.task_key = c.task_key
      AND (f.state = 'open' OR (f.state = 'snoozed' AND f.snoozed_until IS NOT NULL))
    JOIN tasks t ON t.key = c.task_key AND t.deleted_at IS NULL
    GROUP BY 1, 2 HAVING sum(c.d) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
SELECT inbox_flag_counts_recount(interval '0');
