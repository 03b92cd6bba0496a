DROP INDEX "flags_task_kind_fingerprint_key";--> statement-breakpoint
ALTER TABLE "flags" ADD COLUMN "reasons" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
UPDATE "flags" SET "reasons" = ARRAY["reason"];--> statement-breakpoint
-- One flag per task and kind: the flags not resolved of one task and kind become one, under the id the code
-- now gives it (toFlagId: sha256 of task, NUL, kind, NUL; base64url; 16 characters). The one that keeps its row
-- is the most visible (open, else the snooze that ends first, else the latest dismissal), so nothing a person
-- still saw disappears; it gets the earliest `since`, every reason, all the evidence and people waited on.
CREATE TEMP TABLE "flag_merge" AS
  SELECT f."id" AS old_id, f."task_key", f."kind",
    'f_' || left(translate(encode(sha256(convert_to(f."task_key", 'UTF8') || '\x00'::bytea ||
      convert_to(f."kind", 'UTF8') || '\x00'::bytea), 'base64'), '+/', '-_'), 16) AS new_id,
    row_number() OVER (PARTITION BY f."task_key", f."kind" ORDER BY
      CASE f."state" WHEN 'open' THEN 0 WHEN 'snoozed' THEN 1 ELSE 2 END,
      f."snoozed_until" ASC NULLS LAST, f."state_at" DESC NULLS LAST, f."since", f."id") AS rank,
    count(*) OVER (PARTITION BY f."task_key", f."kind") AS signals
  FROM "flags" f WHERE f."state" <> 'resolved';--> statement-breakpoint
WITH g AS (
  SELECT m."task_key", m."kind", min(f."since") AS since, max(f."last_evidence_at") AS last_evidence_at,
    array_agg(f."reason" ORDER BY f."since", f."id") AS reasons
  FROM "flag_merge" m JOIN "flags" f ON f."id" = m.old_id GROUP BY m."task_key", m."kind"),
ev AS (
  SELECT m."task_key", m."kind", array_agg(DISTINCT e) AS evidence
  FROM "flag_merge" m JOIN "flags" f ON f."id" = m.old_id, unnest(f."evidence") AS e
  GROUP BY m."task_key", m."kind"),
wo AS (
  SELECT m."task_key", m."kind", array_agg(DISTINCT w) AS waiting_on
  FROM "flag_merge" m JOIN "flags" f ON f."id" = m.old_id, unnest(f."waiting_on") AS w
  GROUP BY m."task_key", m."kind")
UPDATE "flags" f SET "since" = g.since, "last_evidence_at" = g.last_evidence_at, "reasons" = g.reasons,
  "evidence" = coalesce(ev.evidence, '{}'::text[]), "waiting_on" = coalesce(wo.waiting_on, '{}'::text[])
FROM "flag_merge" m
  JOIN g ON g."task_key" = m."task_key" AND g."kind" = m."kind"
  LEFT JOIN ev ON ev."task_key" = m."task_key" AND ev."kind" = m."kind"
  LEFT JOIN wo ON wo."task_key" = m."task_key" AND wo."kind" = m."kind"
WHERE f."id" = m.old_id AND m.rank = 1 AND m.signals > 1;--> statement-breakpoint
-- A person's own snooze or dismissal hides the merged flag from them only when they had hidden every flag it
-- merges (the snooze that ends first, else the latest dismissal).
CREATE TEMP TABLE "flag_merge_person" AS
  SELECT DISTINCT ON (s."person_id", m.new_id) s."person_id", s."task_key", m.new_id AS flag_id, s."state",
    s."until", s."reason", s."at"
  FROM "inbox_person_states" s JOIN "flag_merge" m ON m.old_id = s."flag_id"
  WHERE (m.signals > 1 OR m.old_id <> m.new_id)
    AND (SELECT count(DISTINCT s2."flag_id") FROM "inbox_person_states" s2
         JOIN "flag_merge" m2 ON m2.old_id = s2."flag_id"
         WHERE s2."person_id" = s."person_id" AND m2.new_id = m.new_id) = m.signals
  ORDER BY s."person_id", m.new_id, CASE s."state" WHEN 'snoozed' THEN 0 ELSE 1 END, s."until" ASC NULLS LAST,
    s."at" DESC;--> statement-breakpoint
DELETE FROM "inbox_person_states" s USING "flag_merge" m
WHERE s."flag_id" = m.old_id AND (m.signals > 1 OR m.old_id <> m.new_id);--> statement-breakpoint
INSERT INTO "inbox_person_states" ("person_id", "task_key", "flag_id", "state", "until", "reason", "at")
SELECT "person_id", "task_key", "flag_id", "state", "until", "reason", "at" FROM "flag_merge_person";--> statement-breakpoint
UPDATE "inbox_state_history" h SET "flag_id" = m.new_id FROM "flag_merge" m WHERE h."flag_id" = m.old_id;--> statement-breakpoint
DELETE FROM "flags" f USING "flag_merge" m WHERE f."id" = m.old_id AND m.rank > 1;--> statement-breakpoint
DELETE FROM "flags" f USING "flag_merge" m
WHERE f."id" = m.new_id AND m.rank = 1 AND m.old_id <> m.new_id;--> statement-breakpoint
UPDATE "flags" f SET "id" = m.new_id FROM "flag_merge" m
WHERE f."id" = m.old_id AND m.rank = 1 AND m.old_id <> m.new_id;--> statement-breakpoint
DROP TABLE "flag_merge_person";--> statement-breakpoint
DROP TABLE "flag_merge";--> statement-breakpoint
CREATE UNIQUE INDEX "flags_task_kind_open_key" ON "flags" USING btree ("task_key","kind") WHERE state <> 'resolved';
