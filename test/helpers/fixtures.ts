/**
 * Rows put straight into the store, for tests of what reads it (the API, queries, the digest). Every column
 * has a default and every call takes overrides, so a test names only what it is about:
 *
 * ```ts
 * const f = fixtures(db);
 * const dana = await f.person({ name: "Dana" });
 * const task = await f.task({ key: "FAL-12", assigneeId: dana.id });
 * await f.item({ source: "slack", text: "Is FAL-12 done?", linkTo: task.key });
 * await f.flag({ taskKey: task.key, kind: "unanswered_question", ownerId: dana.id });
 * ```
 *
 * Ids, keys and emails come from one counter per test file, so rows of several tests in one database never
 * collide. Times default to `FIXTURE_TIME` plus the counter in minutes: later rows are later.
 */
import * as schema from "../../schema/index.ts";
import type { FlagKind, ItemKind, SourceId } from "../../src/model/kinds.ts";
import type { Db } from "../../src/store/db.ts";
import { refreshLastActivity } from "../../src/store/last-activity.ts";

type NewPerson = typeof schema.people.$inferInsert;
type NewIdentity = typeof schema.identities.$inferInsert;
type NewTask = typeof schema.tasks.$inferInsert;
type NewItem = typeof schema.items.$inferInsert;
type NewLink = typeof schema.itemLinks.$inferInsert;
type NewFlag = typeof schema.flags.$inferInsert;

export type PersonRow = typeof schema.people.$inferSelect;
export type IdentityRow = typeof schema.identities.$inferSelect;
export type TaskRow = Omit<typeof schema.tasks.$inferSelect, "search">;
export type ItemRow = typeof schema.items.$inferSelect;
export type LinkRow = typeof schema.itemLinks.$inferSelect;
export type FlagRow = typeof schema.flags.$inferSelect;

/** The instant the default times count from: Monday 3 March 2025, 09:00 UTC. */
export const FIXTURE_TIME = new Date("2025-03-03T09:00:00.000Z");

/** `FIXTURE_TIME` plus some minutes. */
export const minutesAfter = (minutes: number, from: Date = FIXTURE_TIME) =>
  new Date(from.getTime() + minutes * 60_000);

const DEFAULT_KIND: Record<SourceId, ItemKind> = {
  jira: "comment",
  github: "comment",
  gmail: "email",
  teams: "chat_message",
  slack: "chat_message",
};

let counter = 0;
const next = () => ++counter;

export interface ItemOverrides extends Partial<NewItem> {
  /** Also link the item to these tasks (rule `jira_key` unless `linkRule` says otherwise). */
  linkTo?: string | string[];
  linkRule?: NewLink["rule"];
}

export interface Fixtures {
  person(overrides?: Partial<NewPerson>): Promise<PersonRow>;
  /** An identity of a person (a new one unless `personId` is given). */
  identity(overrides?: Partial<NewIdentity>): Promise<IdentityRow>;
  /** A Jira task `TST-n` unless told otherwise; `lastActivityAt` defaults to `updatedAt`. */
  task(overrides?: Partial<NewTask>): Promise<TaskRow>;
  /** A Slack chat message unless told otherwise; its id is `<source>:<externalId>`. */
  item(overrides?: ItemOverrides): Promise<ItemRow>;
  link(overrides: Pick<NewLink, "itemId" | "taskKey"> & Partial<NewLink>): Promise<LinkRow>;
  /** An open `stale` flag unless told otherwise; `taskKey` is required. */
  flag(overrides: Pick<NewFlag, "taskKey"> & Partial<NewFlag>): Promise<FlagRow>;
  /** Sets `last_activity_at` of tasks as the store keeps it: the newest of the task and its linked items. */
  refreshActivity(taskKeys: string[]): Promise<void>;
}

/** A fixture builder writing to `db` with drizzle. */
export function fixtures(db: Db): Fixtures {
  const person: Fixtures["person"] = async (overrides = {}) => {
    const n = next();
    const [row] = await db
      .insert(schema.people)
      .values({
        id: `p_test_${n}`,
        name: `Person ${n}`,
        email: `person${n}@acme.dev`,
        createdAt: FIXTURE_TIME,
        updatedAt: FIXTURE_TIME,
        ...overrides,
      })
      .returning();
    return row!;
  };

  const link: Fixtures["link"] = async (overrides) => {
    const [row] = await db
      .insert(schema.itemLinks)
      .values({ rule: "jira_key", createdAt: FIXTURE_TIME, ...overrides })
      .returning();
    return row!;
  };

  return {
    person,

    async identity(overrides = {}) {
      const n = next();
      const personId = overrides.personId ?? (await person()).id;
      const [row] = await db
        .insert(schema.identities)
        .values({
          source: "slack",
          externalId: `U${String(n).padStart(8, "0")}`,
          personId,
          displayName: `Person ${n}`,
          updatedAt: FIXTURE_TIME,
          ...overrides,
        })
        .returning();
      return row!;
    },

    async task(overrides = {}) {
      const n = next();
      const key = overrides.key ?? `TST-${n}`;
      const updatedAt = overrides.updatedAt ?? minutesAfter(n);
      const [row] = await db
        .insert(schema.tasks)
        .values({
          key,
          source: "jira",
          externalId: `${10_000 + n}`,
          title: `Task ${n}`,
          status: "In Progress",
          statusCategory: "in_progress",
          url: `https://acme.atlassian.net/browse/${key}`,
          createdAt: overrides.createdAt ?? FIXTURE_TIME,
          updatedAt,
          lastActivityAt: updatedAt,
          ...overrides,
        })
        .returning();
      const { search: _search, ...task } = row!;
      return task;
    },

    async item(overrides = {}) {
      const n = next();
      const { linkTo, linkRule, ...values } = overrides;
      const source = (values.source ?? "slack") as SourceId;
      const externalId = values.externalId ?? `ext-${n}`;
      const [row] = await db
        .insert(schema.items)
        .values({
          id: `${source}:${externalId}`,
          source,
          externalId,
          kind: DEFAULT_KIND[source] ?? "chat_message",
          at: minutesAfter(n),
          text: `Message ${n}`,
          updatedAt: FIXTURE_TIME,
          ...values,
        })
        .returning();
      const item = row!;
      for (const taskKey of linkTo === undefined ? [] : [linkTo].flat()) {
        await link({ itemId: item.id, taskKey, rule: linkRule ?? "jira_key" });
      }
      return item;
    },

    link,

    async flag(overrides) {
      const n = next();
      const [row] = await db
        .insert(schema.flags)
        .values({
          id: `flag_${n}`,
          kind: "stale" satisfies FlagKind,
          fingerprint: "",
          since: FIXTURE_TIME,
          reason: "No activity for 6 working days; ask the assignee where it stands.",
          state: "open",
          updatedAt: FIXTURE_TIME,
          ...overrides,
        })
        .returning();
      return row!;
    },

    async refreshActivity(taskKeys) {
      await refreshLastActivity(db, taskKeys);
    },
  };
}
