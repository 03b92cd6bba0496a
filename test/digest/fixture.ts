/**
 * A small team in a database, written directly: four team members and a lead in `team.example`, a client,
 * a GitHub account with no email address, five tasks and their flags. Faster than the demo by far, so the
 * sending tests run on PGlite and PostgreSQL in a second.
 */
import { digests } from "../../schema/digests.ts";
import { flags } from "../../schema/flags.ts";
import { items } from "../../schema/items.ts";
import { people } from "../../schema/people.ts";
import { tasks } from "../../schema/tasks.ts";
import type { Db } from "../../src/store/db.ts";

/** A Wednesday afternoon. */
export const NOW = new Date("2026-03-04T15:00:00Z");
export const DAY = "2026-03-04";
export const TEAM_ENV = {
  THREADLINE_TEAM_DOMAINS: "team.example",
  THREADLINE_DIGEST_LEADS: "lead@team.example",
  THREADLINE_PUBLIC_URL: "https://threadline.team.example",
};
/** Who gets a digest from the fixture, and nobody else. */
export const RECIPIENTS = ["lead@team.example", "maya@team.example", "raj@team.example", "tom@team.example"];

const d = (iso: string) => new Date(iso);

export async function seedTeam(db: Db): Promise<void> {
  await db.delete(digests);
  await db.delete(flags);
  await db.delete(items);
  await db.delete(tasks);
  await db.delete(people);
  await db.insert(people).values([
    { id: "p_maya", name: "Maya Chen", email: "maya@team.example" },
    { id: "p_raj", name: "Raj Patel", email: "raj@team.example" },
    { id: "p_tom", name: "Tom Okoro", email: "tom@team.example" },
    { id: "p_lead", name: "Lea Lead", email: "lead@team.example" },
    { id: "p_quiet", name: "Quinn Quiet", email: "quinn@team.example" },
    { id: "p_dan", name: "Dan Miller", email: "dan@client.example" },
    { id: "p_gh", name: "lena-gh", email: null },
  ]);
  const task = (key: string, title: string, assigneeId: string | null, source = "jira") => ({
    key,
    source,
    externalId: key,
    title,
    status: "In Progress",
    statusCategory: "in_progress",
    url:
      source === "jira"
        ? `https://jira.example/browse/${key}`
        : `https://github.com/${key.replace("#", "/pull/")}`,
    assigneeId,
    createdAt: d("2026-02-01T09:00:00Z"),
    updatedAt: d("2026-02-20T09:00:00Z"),
    lastActivityAt: d("2026-02-20T09:00:00Z"),
  });
  await db
    .insert(tasks)
    .values([
      task("T-1", "Checkout <rounding> & totals", "p_maya"),
      task("T-2", "Client's own task", "p_dan"),
      task("T-3", "Nobody's task", null),
      task("acme/web#5", "Rate limiter", "p_tom", "github"),
      task("T-4", "Deployed by a GitHub-only account", "p_gh"),
    ]);
  await db.insert(items).values([
    {
      id: "slack:C1/1",
      source: "slack",
      externalId: "C1/1",
      kind: "chat_message",
      authorId: "p_maya",
      at: d("2026-02-27T10:00:00Z"),
      text: "@Raj can you look at this one?",
      url: "https://slack.example/archives/C1/p1",
    },
  ]);
  const flag = (
    id: string,
    taskKey: string,
    kind: string,
    since: string,
    ownerId: string | null,
    extra: Partial<typeof flags.$inferInsert> = {},
  ) => ({
    id,
    taskKey,
    kind,
    fingerprint: id,
    since: d(since),
    reason: `${kind} on ${taskKey}: act on it.`,
    ownerId,
    ...extra,
  });
  await db.insert(flags).values([
    flag("f_stale_t1", "T-1", "stale", "2026-02-20T09:00:00Z", "p_maya"),
    flag("f_q_t1", "T-1", "unanswered_question", "2026-02-27T10:00:00Z", "p_raj", {
      evidence: ["slack:C1/1"],
      waitingOn: ["p_raj"],
    }),
    flag("f_fob_t2", "T-2", "feedback_off_board", "2026-02-25T10:00:00Z", "p_dan"),
    flag("f_owner_t3", "T-3", "no_owner", "2026-03-01T10:00:00Z", null),
    // The author answers for the pull request; the review waits on Raj.
    flag("f_pr_5", "acme/web#5", "missing_approval", "2026-03-02T13:00:00Z", "p_tom", {
      fingerprint: "pr-review",
      waitingOn: ["p_raj"],
    }),
    flag("f_dnd_t4", "T-4", "done_not_deployed", "2026-02-24T16:00:00Z", "p_gh"),
    flag("f_snoozed", "T-1", "blocked_external", "2026-02-10T10:00:00Z", "p_maya", {
      state: "snoozed",
      snoozedUntil: d("2026-03-10T00:00:00Z"),
    }),
    flag("f_gone", "T-1", "blocked_external", "2026-02-11T10:00:00Z", "p_maya", {
      state: "resolved",
      resolvedAt: d("2026-03-04T10:00:00Z"),
    }),
  ]);
}
