/**
 * The demo workspace end to end: every demo sandbox served, synced through the real connectors into a fresh
 * database, flags computed. The story must read as one: a task's timeline mixes its sources, and every flag
 * kind shows somewhere.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DemoSources, startDemoSources } from "../../src/demo/demo-sources.ts";
import { syncDemoWorkspace, wantsDemo } from "../../src/demo/demo-workspace.ts";
import { FLAG_KINDS } from "../../src/model/kinds.ts";
import { loadVisibleFlags } from "../../src/store/flag-queries.ts";
import { queryRows } from "../../src/store/rows.ts";
import { loadTaskPage, loadTimelineItems } from "../../src/store/task-queries.ts";
import { describeEachDatabase } from "../helpers/databases.ts";

// A Wednesday afternoon: the working-day thresholds of the rules do not depend on when the test runs.
const NOW = new Date("2026-03-04T15:00:00Z");

describeEachDatabase("demo workspace", (ctx) => {
  let demo: DemoSources;
  let first: Awaited<ReturnType<typeof syncDemoWorkspace>>;

  beforeAll(async () => {
    demo = await startDemoSources({ now: NOW });
    first = await syncDemoWorkspace(ctx.db, demo.env, { now: () => NOW });
  }, 60_000);
  afterAll(() => demo?.close());

  it("syncs every demo source cleanly through its connector", () => {
    expect(first.report.sources.map((s) => [s.source, s.ok, s.errors])).toEqual(
      ["jira", "github", "gmail", "teams", "slack"].map((source) => [source, true, []]),
    );
    for (const source of first.report.sources) expect(source.itemsNew).toBeGreaterThan(10);
  });

  it("holds the client project's 30 Jira tasks beside the repository's pull requests", async () => {
    const page = await loadTaskPage(ctx.db, { limit: 200, now: NOW, reader: null });
    const keys = page.rows.map((t) => t.key);
    expect(keys.filter((k) => /^ACME-\d+$/.test(k))).toHaveLength(30);
    expect(keys).toEqual(expect.arrayContaining(["acme/portal#41", "acme/portal#44", "acme/portal#57"]));
  });

  it.each([
    ["ACME-7", ["jira", "github", "gmail", "slack"]],
    ["ACME-1", ["jira", "github", "gmail", "teams", "slack"]],
    ["ACME-9", ["jira", "github", "teams", "slack"]],
    ["ACME-3", ["jira", "gmail", "teams", "slack"]],
  ])("interleaves the sources on the timeline of %s", async (key, sources) => {
    const items = await loadTimelineItems(ctx.db, key, null);
    const order = items.map((i) => i.source);
    expect([...new Set(order)]).toEqual(expect.arrayContaining(sources));
    // In time order across sources: the sources take turns rather than follow one another in blocks.
    const turns = order.filter((s, i) => i === 0 || s !== order[i - 1]).length;
    expect(turns).toBeGreaterThan(new Set(order).size);
    const times = items.map((i) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("links keyless thread replies through their thread", async () => {
    const items = await loadTimelineItems(ctx.db, "ACME-7", null);
    expect(items.some((i) => i.source === "slack" && !/ACME-7/.test(i.text))).toBe(true);
  });

  it("raises every kind of flag somewhere", async () => {
    const flags = await loadVisibleFlags(ctx.db, { now: NOW, reader: null });
    expect(new Set(flags.map((f) => f.kind))).toEqual(new Set(FLAG_KINDS));
    const kindsOf = (key: string) => flags.filter((f) => f.taskKey === key).map((f) => f.kind);
    expect(kindsOf("ACME-3")).toContain("blocked_external");
    expect(kindsOf("ACME-7")).toEqual(expect.arrayContaining(["done_not_deployed", "feedback_off_board"]));
    expect(kindsOf("acme/portal#49")).toContain("missing_approval");
    expect(kindsOf("ACME-12")).toContain("no_owner");
  });

  it("vouches for every demo email's sender: Gmail's Authentication-Results pass, or the mailbox sent it", async () => {
    const rows = await queryRows<{ verified: boolean | null; n: number }>(
      ctx.db,
      sql`select (meta->>'senderVerified')::boolean as verified, count(*)::int as n from items
          where source = 'gmail' group by 1`,
    );
    expect(rows).toEqual([{ verified: true, n: expect.any(Number) }]);
    const unverified = await queryRows(
      ctx.db,
      sql`select 1 from identities where external_id like 'unverified:%'`,
    );
    expect(unverified).toEqual([]);
  });

  it("finds nothing new in a second pass over the same story", async () => {
    const again = await syncDemoWorkspace(ctx.db, demo.env, { now: () => NOW });
    expect(again.report.ok).toBe(true);
    for (const source of again.report.sources) {
      expect([source.source, source.itemsNew, source.tasksNew]).toEqual([source.source, 0, 0]);
    }
    expect(again.flags).toBe(first.flags);
  });
});

it("runs only when no source is configured and THREADLINE_DEMO does not turn it off", () => {
  expect(wantsDemo({})).toBe(true);
  expect(wantsDemo({ THREADLINE_DEMO: "1", THREADLINE_TEAM_DOMAINS: "example.com" })).toBe(true);
  expect(wantsDemo({ THREADLINE_DEMO: "0" })).toBe(false);
  expect(wantsDemo({ THREADLINE_DEMO: "off" })).toBe(false);
  expect(wantsDemo({ SLACK_TOKEN: "xoxb-1-2-abc" })).toBe(false);
  expect(wantsDemo({ GITHUB_TOKEN: "ghp_x", GITHUB_REPOS: "acme/portal" })).toBe(false);
});
