import { describe, expect, it } from "vitest";
import type { SourceProgress, SyncReport } from "../../src/sync/engine.ts";
import { toProgressLine } from "../../src/sync/progress-bars.ts";
import { formatDuration, toSummaryJson, toSummaryTable } from "../../src/sync/summary.ts";

const progress = (over: Partial<SourceProgress> = {}): SourceProgress => ({
  items: 1_200,
  pages: 12,
  requests: 13,
  estimate: 4_800,
  scopes: 2,
  scopesDone: 1,
  status: null,
  startedAt: 0,
  ...over,
});

const report: SyncReport = {
  mode: "backfill",
  ok: false,
  startedAt: new Date("2026-03-02T08:00:00Z"),
  durationMs: 12_300,
  changedTaskKeys: new Set(["PROJ-1", "PROJ-2"]),
  sources: [
    {
      source: "jira",
      ok: true,
      tasksNew: 40,
      tasksUpdated: 2,
      tasksDeleted: 0,
      itemsNew: 1_234,
      itemsUpdated: 5,
      itemsDeleted: 1,
      linksAdded: 1_240,
      linksRemoved: 0,
      pages: 25,
      requests: 31,
      retries: 1,
      durationMs: 12_000,
      scopes: [{ scope: "PROJ", outcome: "ok", pages: 25, items: 1_240, error: null }],
      errors: [],
    },
    {
      source: "slack",
      ok: false,
      tasksNew: 0,
      tasksUpdated: 0,
      tasksDeleted: 0,
      itemsNew: 10,
      itemsUpdated: 0,
      itemsDeleted: 0,
      linksAdded: 3,
      linksRemoved: 0,
      pages: 1,
      requests: 2,
      retries: 0,
      durationMs: 900,
      scopes: [
        {
          scope: "C2",
          outcome: "forbidden",
          pages: 0,
          items: 0,
          error: "[threadline] [slack] 403 from https://slack.com/api/conversations.history: not_in_channel",
        },
      ],
      errors: [
        {
          scope: "C2",
          kind: "forbidden",
          message:
            "[threadline] [slack] 403 from https://slack.com/api/conversations.history: not_in_channel",
        },
      ],
    },
  ],
};

describe("sync progress and summary", () => {
  it("shows items, pages, rate, time left and a rate-limit wait on a source's line", () => {
    expect(toProgressLine("jira", progress(), 10_000)).toBe(
      "jira    █████░░░░░░░░░░░░░░░ · 1,200/4,800 items · 12 pages · 120/s · 30.0s left · 1/2 scopes",
    );
    const waiting = toProgressLine(
      "slack",
      progress({ estimate: null, status: "waiting for rate limit until 14:02:11" }),
      10_000,
    );
    expect(waiting).toContain(
      "1,200 items · 12 pages · 120/s · 1/2 scopes · waiting for rate limit until 14:02:11",
    );
  });

  it("prints a table with a row per source, then the errors and the unreadable scopes", () => {
    expect(toSummaryTable(report)).toBe(
      [
        "source  result  new items  updated  deleted  new tasks  upd. tasks  requests  pages   time  errors",
        "jira    ok          1,234        5        1         40           2        31     25  12.0s       0",
        "slack   failed         10        0        0          0           0         2      1  900ms       1",
        "",
        "Errors:",
        "  [threadline] [slack] 403 from https://slack.com/api/conversations.history: not_in_channel",
        "",
        "Scopes that can no longer be read:",
        "  slack C2: marked forbidden; its items are kept",
        "",
        "Backfill finished in 12.3s with errors in slack.",
        "",
      ].join("\n"),
    );
  });

  it("gives scripts stable JSON", () => {
    const json = toSummaryJson(report);
    expect(json).toMatchObject({
      ok: false,
      mode: "backfill",
      startedAt: "2026-03-02T08:00:00.000Z",
      changedTasks: 2,
    });
    expect(json.sources[0]).toEqual({
      source: "jira",
      ok: true,
      items: { new: 1_234, updated: 5, deleted: 1 },
      tasks: { new: 40, updated: 2, deleted: 0 },
      links: { added: 1_240, removed: 0 },
      pages: 25,
      requests: 31,
      retries: 1,
      durationMs: 12_000,
      scopes: [{ scope: "PROJ", outcome: "ok", pages: 25, items: 1_240, error: null }],
      errors: [],
    });
  });

  it("formats durations for people", () => {
    expect([850, 12_345, 245_000, 3_725_000].map(formatDuration)).toEqual([
      "850ms",
      "12.3s",
      "4m05s",
      "1h02m",
    ]);
  });
});
