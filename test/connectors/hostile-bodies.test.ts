/**
 * Outsiders' text at its worst: a 1 MB body of spaces, tabs, `@`s, `<` without `>`, nested elements, brackets,
 * long words or mixed scripts, through every connector's mapping (the real mappers, on their golden records)
 * and the rules' text analysis. Each finishes in a bounded time, what is stored stays within the text budget
 * and says the rest was left unread. Before the patterns were made linear and the budgets put in front of
 * them, one such body took from seconds to minutes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONNECTORS } from "../../connectors/registry.ts";
import type { RawRecord } from "../../connectors/types.ts";
import { ItemText } from "../../src/flags/rules/text/analysis.ts";
import { ITEM_TEXT_BUDGET } from "../../src/model/text-budget.ts";
import { toPageWrite } from "../../src/sync/to-page-write.ts";
import { HOSTILE_BODIES } from "../helpers/hostile-bodies.ts";

const golden = (file: string) =>
  JSON.parse(readFileSync(new URL(`./${file}`, import.meta.url), "utf8")).record as RawRecord;

/** Every string under `key` anywhere in `value` replaced by `body`. */
function replaceAll(value: unknown, key: string, body: string): void {
  if (value === null || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value)) {
    if (k === key && typeof v === "string") (value as Record<string, unknown>)[k] = body;
    else replaceAll(v, key, body);
  }
}

const SAMPLES: Array<{
  source: keyof typeof CONNECTORS;
  file: string;
  put: (r: RawRecord, b: string) => void;
}> = [
  {
    source: "gmail",
    file: "gmail/golden/outlook-html-only.json",
    put: (r, b) => replaceAll(r.data, "data", Buffer.from(b).toString("base64url")),
  },
  {
    source: "gmail",
    file: "gmail/golden/latin1-quoted-printable.json",
    put: (r, b) => replaceAll(r.data, "data", Buffer.from(b).toString("base64url")),
  },
  { source: "jira", file: "jira/golden/dc-comment-wiki.json", put: (r, b) => replaceAll(r.data, "body", b) },
  {
    source: "jira",
    file: "jira/golden/cloud-comment-adf.json",
    put: (r, b) => replaceAll(r.data, "text", b),
  },
  {
    source: "github",
    file: "github/golden/webhook-issue-comment-created.json",
    put: (r, b) => replaceAll(r.data, "body", b),
  },
  {
    source: "slack",
    file: "slack/golden/history-message.json",
    put: (r, b) => replaceAll(r.data, "text", b),
  },
  { source: "teams", file: "teams/golden/broken-html.json", put: (r, b) => replaceAll(r.data, "content", b) },
];

// A bound far above what a linear pass over a megabyte takes on a loaded two-core machine, and far below
// the seconds to minutes the quadratic patterns took.
const PER_BODY_MS = 5_000;

describe("hostile bodies through every connector's mapping", () => {
  for (const { source, file, put } of SAMPLES) {
    it(`${file}: each body is mapped in bounded time, stored within the budget, and says what was left`, async () => {
      const slow: string[] = [];
      for (const [name, body] of Object.entries(HOSTILE_BODIES)) {
        const record = structuredClone(golden(file));
        put(record, body);
        const started = performance.now();
        const page = await toPageWrite(CONNECTORS[source], null, [record]);
        const ms = performance.now() - started;
        if (ms > PER_BODY_MS) slow.push(`${name}: ${Math.round(ms)} ms`);
        for (const { item } of page.items) {
          expect(item.text.length, name).toBeLessThan(ITEM_TEXT_BUDGET + 200);
          if (item.text.length > ITEM_TEXT_BUDGET) expect(item.text).toMatch(/are in the source\.\]$/);
        }
      }
      expect(slow).toEqual([]);
    }, 180_000);
  }
});

describe("hostile bodies through the rules' text analysis", () => {
  it("answers every question the rules ask of each body in bounded time", () => {
    const slow: string[] = [];
    for (const [name, body] of Object.entries(HOSTILE_BODIES)) {
      const started = performance.now();
      const text = new ItemText(body);
      void [text.question, text.approvalRequest, text.approvalStance, text.blockerSignals];
      void [text.deploySignal, text.isAcknowledgement, text.isAutoReply];
      const ms = performance.now() - started;
      if (ms > 1_000) slow.push(`${name}: ${Math.round(ms)} ms`);
    }
    expect(slow).toEqual([]);
  }, 60_000);
});
