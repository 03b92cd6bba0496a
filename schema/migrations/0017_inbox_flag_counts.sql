CREATE TABLE "inbox_flag_counts" (
	"kind" text NOT NULL,
	"n" bigint NOT NULL,
	"counted_at" timestamp with time zone
);
--> statement-breakpoint
-- Replaces every row this statement sees with the exact counts, unless a recount newer than max_age exists.
-- One statement (one snapshot): a writer that commits meanwhile keeps its own rows, which add what this
-- count did not see. The lock keeps two recounts from both adding a count of the same rows. The row of kind
-- '' marks when the count was taken, also when there is nothing to count.
CREATE FUNCTION inbox_flag_counts_recount(max_age interval) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7214032512);
  IF EXISTS (SELECT 1 FROM inbox_flag_counts WHERE counted_at > clock_timestamp() - max_age) THEN
    RETURN false;
  END IF;
  WITH gone AS (DELETE FROM inbox_flag_counts RETURNING 1)
  INSERT INTO inbox_flag_counts (kind, n, counted_at)
  SELECT f.kind, count(*), clock_timestamp() FROM flags f
  JOIN tasks t ON t.key = f.task_key AND t.deleted_at IS NULL
  WHERE f.state = 'open'
    AND NOT EXISTS (SELECT 1 FROM inbox_task_states s
                    WHERE s.task_key = f.task_key AND (s.muted_at IS NOT NULL OR s.done_at IS NOT NULL))
  GROUP BY f.kind
  UNION ALL SELECT '', 0, clock_timestamp();
  RETURN true;
END $$;
--> statement-breakpoint
-- Whether flags of this task count: the task exists, is not deleted, and is neither muted nor marked done.
CREATE FUNCTION inbox_flag_counts_task_counts(task text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM tasks t WHERE t.key = task AND t.deleted_at IS NULL)
     AND NOT EXISTS (SELECT 1 FROM inbox_task_states s
                     WHERE s.task_key = task AND (s.muted_at IS NOT NULL OR s.done_at IS NOT NULL))
$$;
--> statement-breakpoint
-- Flags that opened or stopped being open (inserted, updated, deleted) on tasks whose flags count. A row
-- rewritten without changing its kind, task or being open cancels out before any task is looked at.
CREATE FUNCTION inbox_flag_counts_of_flags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO inbox_flag_counts (kind, n)
    SELECT r.kind, count(*) FROM new_rows r
    WHERE r.state = 'open' AND inbox_flag_counts_task_counts(r.task_key)
    GROUP BY r.kind;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO inbox_flag_counts (kind, n)
    SELECT r.kind, -count(*) FROM old_rows r
    WHERE r.state = 'open' AND inbox_flag_counts_task_counts(r.task_key)
    GROUP BY r.kind;
  ELSE
    INSERT INTO inbox_flag_counts (kind, n)
    SELECT c.kind, sum(c.d) FROM (
      SELECT x.kind, x.task_key, sum(x.d) AS d FROM (
        SELECT r.kind, r.task_key, 1 AS d FROM new_rows r WHERE r.state = 'open'
        UNION ALL
        SELECT r.kind, r.task_key, -1 AS d FROM old_rows r WHERE r.state = 'open'
      ) x GROUP BY x.kind, x.task_key HAVING sum(x.d) <> 0
    ) c
    WHERE inbox_flag_counts_task_counts(c.task_key)
    GROUP BY c.kind HAVING sum(c.d) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Tasks that started or stopped existing undeleted: their open flags count, or stop counting, unless the task
-- is muted or marked done.
CREATE FUNCTION inbox_flag_counts_of_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO inbox_flag_counts (kind, n)
    SELECT f.kind, count(*) FROM new_rows r
    JOIN flags f ON f.task_key = r.key AND f.state = 'open'
    WHERE r.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM inbox_task_states s
                      WHERE s.task_key = r.key AND (s.muted_at IS NOT NULL OR s.done_at IS NOT NULL))
    GROUP BY f.kind;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO inbox_flag_counts (kind, n)
    SELECT f.kind, -count(*) FROM old_rows r
    JOIN flags f ON f.task_key = r.key AND f.state = 'open'
    WHERE r.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM inbox_task_states s
                      WHERE s.task_key = r.key AND (s.muted_at IS NOT NULL OR s.done_at IS NOT NULL))
    GROUP BY f.kind;
  ELSE
    INSERT INTO inbox_flag_counts (kind, n)
    SELECT f.kind, sum(c.d) FROM (
      SELECT x.key, sum(x.d) AS d FROM (
        SELECT r.key, 1 AS d FROM new_rows r WHERE r.deleted_at IS NULL
        UNION ALL
        SELECT r.key, -1 AS d FROM old_rows r WHERE r.deleted_at IS NULL
      ) x GROUP BY x.key HAVING sum(x.d) <> 0
    ) c
    JOIN flags f ON f.task_key = c.key AND f.state = 'open'
    WHERE NOT EXISTS (SELECT 1 FROM inbox_task_states s
                      WHERE s.task_key = c.key AND (s.muted_at IS NOT NULL OR s.done_at IS NOT NULL))
    GROUP BY f.kind HAVING sum(c.d) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Tasks muted or marked done, or no longer: their open flags stop counting, or count again, if the task
-- exists undeleted.
CREATE FUNCTION inbox_flag_counts_of_task_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO inbox_flag_counts (kind, n)
    SELECT f.kind, -count(*) FROM new_rows r
    JOIN flags f ON f.task_key = r.task_key AND f.state = 'open'
    JOIN tasks t ON t.key = r.task_key AND t.deleted_at IS NULL
    WHERE r.muted_at IS NOT NULL OR r.done_at IS NOT NULL
    GROUP BY f.kind;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO inbox_flag_counts (kind, n)
    SELECT f.kind, count(*) FROM old_rows r
    JOIN flags f ON f.task_key = r.task_key AND f.state = 'open'
    JOIN tasks t ON t.key = r.task_key AND t.deleted_at IS NULL
    WHERE r.muted_at IS NOT NULL OR r.done_at IS NOT NULL
    GROUP BY f.kind;
  ELSE
    INSERT INTO inbox_flag_counts (kind, n)
    SELECT f.kind, -sum(c.d) FROM (
      SELECT x.task_key, sum(x.d) AS d FROM (
        SELECT r.task_key, 1 AS d FROM new_rows r WHERE r.muted_at IS NOT NULL OR r.done_at IS NOT NULL
        UNION ALL
        SELECT r.task_key, -1 AS d FROM old_rows r WHERE r.muted_at IS NOT NULL OR r.done_at IS NOT NULL
      ) x GROUP BY x.task_key HAVING sum(x.d) <> 0
    ) c
    JOIN flags f ON f.task_key = c.task_key AND f.state = 'open'
    JOIN tasks t ON t.key = c.task_key AND t.deleted_at IS NULL
    GROUP BY f.kind HAVING sum(c.d) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION inbox_flag_counts_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM inbox_flag_counts_recount(interval '0');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_flags_insert AFTER INSERT ON flags REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_of_flags();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_flags_update AFTER UPDATE ON flags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_of_flags();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_flags_delete AFTER DELETE ON flags REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_of_flags();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_tasks_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_of_tasks();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_tasks_update AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_of_tasks();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_tasks_delete AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_of_tasks();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_task_states_insert AFTER INSERT ON inbox_task_states REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_of_task_states();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_task_states_update AFTER UPDATE ON inbox_task_states REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_of_task_states();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_task_states_delete AFTER DELETE ON inbox_task_states REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_of_task_states();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_flags_truncate AFTER TRUNCATE ON flags
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_after_truncate();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_tasks_truncate AFTER TRUNCATE ON tasks
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_after_truncate();
--> statement-breakpoint
CREATE TRIGGER inbox_flag_counts_task_states_truncate AFTER TRUNCATE ON inbox_task_states
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_flag_counts_after_truncate();
--> statement-breakpoint
SELECT inbox_flag_counts_recount(interval '0');
