import { describe, expect, it } from "vitest";
import { FLAG_KINDS, type FlagKind } from "../../src/model/kinds.ts";
import { evaluateTaskFlags } from "../../src/rules/evaluate.ts";
import { at, CORPUS_SETTINGS, type CorpusCase, DEFAULT_NOW, settingsWith } from "./builder.ts";
import { activityCases } from "./corpus/activity.ts";
import { approvalCases } from "./corpus/approvals.ts";
import { deliveryCases } from "./corpus/delivery.ts";
import { heldOutCases } from "./corpus/held-out.ts";
import { questionCases } from "./corpus/questions.ts";

const CASES: CorpusCase[] = [
  ...questionCases,
  ...approvalCases,
  ...activityCases,
  ...deliveryCases,
  ...heldOutCases,
];

interface Tally {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

function score() {
  const tallies = new Map<FlagKind, Tally>(FLAG_KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0, tn: 0 }]));
  const misses: string[] = [];
  for (const c of CASES) {
    const settings = c.settings ? settingsWith(c.settings) : CORPUS_SETTINGS;
    const flags = evaluateTaskFlags(c.task, { now: at(c.now ?? DEFAULT_NOW), settings });
    for (const kind of FLAG_KINDS) {
      if (c.ignore?.includes(kind)) continue;
      const wanted = c.raise.filter((r) => (typeof r === "string" ? r : r.kind) === kind);
      const raised = flags.filter((f) => f.kind === kind);
      const t = tallies.get(kind)!;
      if (wanted.length > 0) {
        const ok = wanted.every(
          (w) => typeof w === "string" || raised.some((f) => f.evidence.includes(w.evidence)),
        );
        if (raised.length > 0 && ok) t.tp++;
        else {
          t.fn++;
          misses.push(
            `missed ${kind}: ${c.name}${raised.length ? ` (raised with ${raised[0]!.evidence})` : ""}`,
          );
        }
      } else if (raised.length > 0) {
        t.fp++;
        misses.push(`wrongly raised ${kind}: ${c.name} — ${raised[0]!.reason}`);
      } else t.tn++;
    }
  }
  return { tallies, misses };
}

describe("the labelled corpus", () => {
  const { tallies, misses } = score();
  const total: Tally = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const rows = [...tallies].map(([kind, t]) => {
    total.tp += t.tp;
    total.fp += t.fp;
    total.fn += t.fn;
    total.tn += t.tn;
    return { kind, ...t, precision: ratio(t.tp, t.tp + t.fp), recall: ratio(t.tp, t.tp + t.fn) };
  });
  const overall = {
    kind: "overall",
    ...total,
    precision: ratio(total.tp, total.tp + total.fp),
    recall: ratio(total.tp, total.tp + total.fn),
  };

  it("has at least 80 cases, each kind raised somewhere and withheld somewhere", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
    for (const row of rows) {
      expect(row.tp + row.fn, `${row.kind} positives`).toBeGreaterThan(0);
      expect(row.tn + row.fp, `${row.kind} negatives`).toBeGreaterThan(0);
    }
  });

  it("reaches precision and recall of at least 0.95 per kind and overall", () => {
    const fmt = (n: number) => n.toFixed(3);
    const lines = [
      `corpus: ${CASES.length} cases`,
      "kind                  TP   FP   FN   TN  precision  recall",
      ...[...rows, overall].map(
        (r) =>
          `${r.kind.padEnd(20)} ${String(r.tp).padStart(3)}  ${String(r.fp).padStart(3)}  ${String(r.fn).padStart(3)}  ${String(r.tn).padStart(3)}  ${fmt(r.precision).padStart(9)}  ${fmt(r.recall).padStart(6)}`,
      ),
      ...misses.map((m) => `  · ${m}`),
    ];
    console.log(lines.join("\n"));
    for (const r of [...rows, overall]) {
      expect(r.precision, `${r.kind} precision`).toBeGreaterThanOrEqual(0.95);
      expect(r.recall, `${r.kind} recall`).toBeGreaterThanOrEqual(0.95);
    }
  });
});
