/**
 * The flags of the demo workspace (every demo source synced through its connector), judged as the contract
 * states them: one flag per task and kind, every flag with evidence that is on its task's timeline, and one
 * inbox row and one digest reason per task and kind.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseConfig } from "../../src/config.ts";
import { type DemoSources, startDemoSources } from "../../src/demo/demo-sources.ts";
import { syncDemoWorkspace } from "../../src/demo/demo-workspace.ts";
import { composeDigests } from "../../src/digest/compose-digests.ts";
import { loadDigestInput } from "../../src/digest/load-digest-input.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { FLAG_KINDS } from "../../src/model/kinds.ts";
import { loadVisibleFlags } from "../../src/store/flag-queries.ts";
import { loadInbox } from "../../src/store/inbox-queries.ts";
import { loadTimelineItems } from "../../src/store/task-queries.ts";
import { describeEachDatabase } from "../helpers/databases.ts";

// A Wednesday afternoon: the working-day thresholds of the rules do not depend on when the test runs.
const NOW = new Date("2026-03-04T15:00:00Z");

describeEachDatabase("the demo workspace's flags", (ctx) => {
  let demo: DemoSources;

  beforeAll(async () => {
    demo = await startDemoSources({ now: NOW });
    await syncDemoWorkspace(ctx.db, demo.env, { now: () => NOW });
  }, 90_000);
  afterAll(() => demo?.close());

  it("has one flag per task and kind, each with evidence on its task's timeline", async () => {
    const flags = await loadVisibleFlags(ctx.db, { now: NOW, reader: null });
    expect(new Set(flags.map((f) => f.kind))).toEqual(new Set(FLAG_KINDS));
    const pairs = flags.map((f) => `${f.taskKey} ${f.kind}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const timelines = new Map<string, Set<string>>();
    const missing: string[] = [];
    for (const flag of flags) {
      let ids = timelines.get(flag.taskKey);
      if (!ids) {
        ids = new Set((await loadTimelineItems(ctx.db, flag.taskKey, null)).map((i) => i.id));
        timelines.set(flag.taskKey, ids);
      }
      if (!flag.evidence.some((id) => ids.has(id)))
        missing.push(`${flag.kind} on ${flag.taskKey}: ${flag.reason}`);
    }
    expect(missing).toEqual([]);
  });

  it("shows one inbox row and one digest reason per task and kind", async () => {
    const inbox = await loadInbox(ctx.db, { filter: {}, now: NOW, perKind: 500 });
    const rows = inbox.groups.flatMap((g) => g.rows.map((r) => `${r.taskKey} ${r.kind}`));
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows).size).toBe(rows.length);

    const config = parseConfig({
      THREADLINE_TEAM_DOMAINS: demo.env.THREADLINE_TEAM_DOMAINS,
      THREADLINE_DIGEST_LEADS: "sofia@demo.threadline.dev",
    });
    const settings = parseFlagSettings(undefined, config.env, listSources());
    const changesSince = new Date(NOW.getTime() - 86_400_000);
    const input = await loadDigestInput(ctx.db, {
      now: NOW,
      day: "2026-03-04",
      changesSince,
      leads: config.digestLeads,
    });
    const { digests } = composeDigests(input, {
      now: NOW,
      day: "2026-03-04",
      publicUrl: config.publicUrl,
      sources: settings.sources,
      teamDomains: config.teamDomains,
      leads: config.digestLeads,
      sendWhenEmpty: false,
      admins: [],
      changesSince,
    });
    expect(digests.length).toBeGreaterThan(1);
    for (const digest of digests) {
      for (const section of [digest.owned, digest.waiting]) {
        const reasons = section.flatMap((t) => t.reasons.map((r) => `${r.taskKey} ${r.kind}`));
        expect(new Set(reasons).size, digest.recipient.email ?? "").toBe(reasons.length);
      }
      const lead = (digest.lead?.entries ?? []).map((e) => `${e.taskKey} ${e.kind}`);
      expect(new Set(lead).size).toBe(lead.length);
    }
  });
});
