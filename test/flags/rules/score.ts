/**
 * Scoring an evaluation of the rules against a labelled set of cases, and printing the score: shared by the
 * labelled corpus (training data) and the blind set, which is scored apart.
 */
import type { RaisedFlag } from "../../../src/flags/raised-flag.ts";
import { evaluateTaskFlags } from "../../../src/flags/rules/evaluate.ts";
import { FLAG_KINDS, type FlagKind } from "../../../src/model/kinds.ts";
import type { TaskSnapshot } from "../../../src/model/task-snapshot.ts";
import { at, CORPUS_SETTINGS, type CorpusCase, DEFAULT_NOW, settingsWith } from "./builder.ts";

/** The kinds the text analysis decides. */
export const TEXT_KINDS: FlagKind[] = [
  "unanswered_question",
  "missing_approval",
  "blocked_external",
  "done_not_deployed",
];

interface Tally {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Row extends Tally {
  kind: FlagKind | "overall";
  precision: number;
  recall: number;
}

export type Evaluate = (task: TaskSnapshot, c: CorpusCase) => RaisedFlag[];

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

/** The rules as they run: each case with its own settings and time. */
export const rules: Evaluate = (task, c) =>
  evaluateTaskFlags(task, {
    now: at(c.now ?? DEFAULT_NOW),
    settings: c.settings ? settingsWith(c.settings) : CORPUS_SETTINGS,
  });

/**
 * Scores an evaluation against the labels. Per case and kind: a wanted kind raised (with the evidence the
 * label names, if it names some) is a true positive, a wanted kind not raised a false negative, an unwanted
 * kind raised a false positive. Kinds a case ignores are not counted.
 */
export function score(cases: CorpusCase[], evaluate: Evaluate) {
  const tallies = new Map<FlagKind, Tally>(FLAG_KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0, tn: 0 }]));
  const misses: string[] = [];
  for (const c of cases) {
    const flags = evaluate(c.task, c);
    for (const kind of FLAG_KINDS) {
      if (c.ignore?.includes(kind)) continue;
      const wanted = c.raise.filter((r) => (typeof r === "string" ? r : r.kind) === kind);
      const raised = flags.filter((f) => f.kind === kind);
      const t = tallies.get(kind)!;
      if (wanted.length > 0) {
        const ok = wanted.every(
          (w) =>
            typeof w === "string" ||
            w.evidence === undefined ||
            raised.some((f) => f.evidence.includes(w.evidence!)),
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
  const total: Tally = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const rows: Row[] = [...tallies].map(([kind, t]) => {
    total.tp += t.tp;
    total.fp += t.fp;
    total.fn += t.fn;
    total.tn += t.tn;
    return { kind, ...t, precision: ratio(t.tp, t.tp + t.fp), recall: ratio(t.tp, t.tp + t.fn) };
  });
  const overall: Row = {
    kind: "overall",
    ...total,
    precision: ratio(total.tp, total.tp + total.fp),
    recall: ratio(total.tp, total.tp + total.fn),
  };
  return { rows, overall, misses };
}

const fmt = (n: number) => n.toFixed(3);
export const table = (title: string, { rows, overall, misses }: ReturnType<typeof score>) =>
  [
    title,
    "kind                  TP   FP   FN   TN  precision  recall",
    ...[...rows, overall].map(
      (r) =>
        `${r.kind.padEnd(20)} ${String(r.tp).padStart(3)}  ${String(r.fp).padStart(3)}  ${String(r.fn).padStart(3)}  ${String(r.tn).padStart(4)}  ${fmt(r.precision).padStart(9)}  ${fmt(r.recall).padStart(6)}`,
    ),
    ...misses.map((m) => `  · ${m}`),
  ].join("\n");
