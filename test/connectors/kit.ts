/**
 * What every connector's tests share, once: a reporter that records what a pull told the progress line,
 * `pullAll` (a connector's pull run without the engine), settings read from an environment, and the golden
 * case loader of the map tests.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Connector, JsonValue, PulledPage, PullReporter, RawRecord } from "../../connectors/types.ts";
import type { SourceId } from "../../src/model/kinds.ts";

/** Settings from an environment, failing the test at once when the connector stays off. */
export function settingsFrom<Settings>(
  connector: Connector<SourceId, Settings>,
  env: Readonly<Record<string, string | undefined>>,
): Settings {
  const settings = connector.fromEnv(env);
  if (!settings) throw new Error(`the environment did not configure ${connector.id}`);
  return settings;
}

export interface RecordingReporter extends PullReporter {
  /** Each `waiting` call: until when, then `null` once the pull goes on. */
  waits: Array<Date | null>;
  estimates: number[];
  requestCount: number;
}

export function recordingReporter(): RecordingReporter {
  const reporter: RecordingReporter = {
    waits: [],
    estimates: [],
    requestCount: 0,
    estimate: (n) => {
      reporter.estimates.push(n);
    },
    waiting: (until) => {
      reporter.waits.push(until);
    },
    requests: (n = 1) => {
      reporter.requestCount += n;
    },
  };
  return reporter;
}

export interface PullRun {
  pages: PulledPage[];
  /** The cursors to resume from: those given, each moved by the pages of its stream. */
  cursors: Record<string, JsonValue>;
  report: RecordingReporter;
}

/**
 * Runs one pull of one scope, page by page as the engine would (each page's cursor committed before the
 * next is asked), to its end or `stopAfter` pages.
 */
export async function pullAll<Settings>(
  connector: Connector<SourceId, Settings>,
  settings: Settings,
  scope: string,
  options: {
    mode?: "backfill" | "sync";
    cursors?: Record<string, JsonValue>;
    since?: Date;
    now?: Date;
    report?: RecordingReporter;
    /** The run's signal: pulls given the same one share what a connector keeps for a run. */
    signal?: AbortSignal;
    /** Stop (as a killed process would) once this many pages are committed. */
    stopAfter?: number;
    /** Called with each page once it is committed, before the next is asked (to change the source between pages). */
    onPage?: (page: PulledPage, index: number) => void;
  } = {},
): Promise<PullRun> {
  const report = options.report ?? recordingReporter();
  const cursors = { ...options.cursors };
  const pages: PulledPage[] = [];
  for await (const page of connector.pull({
    settings,
    scope,
    mode: options.mode ?? "backfill",
    since: options.since ?? null,
    cursors: { ...cursors },
    now: options.now ?? new Date(),
    signal: options.signal ?? new AbortController().signal,
    report,
  })) {
    pages.push(page);
    cursors[page.stream] = page.cursor;
    options.onPage?.(page, pages.length - 1);
    if (options.stopAfter !== undefined && pages.length >= options.stopAfter) break;
  }
  return { pages, cursors, report };
}

export const recordsOf = (pages: PulledPage[]) => pages.flatMap((p) => p.records);
export const deletionsOf = (pages: PulledPage[]) => pages.flatMap((p) => p.deletions ?? []);
/** The `id` of each record's API object (`?` where it has none). */
export const idsOf = (pages: PulledPage[]) =>
  recordsOf(pages).map((r) => (r.data as { id?: string } | null)?.id ?? "?");

/** A golden case: an API object, the model it must become, and the documentation it comes from. */
export type GoldenCase<Extra extends object = object> = {
  file: string;
  description: string;
  source: string[];
  record: RawRecord;
  expected: unknown;
} & Extra;

/** Every `*.json` golden case of a folder, by file name. */
export function loadGoldenCases<Extra extends object = object>(dir: URL): GoldenCase<Extra>[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map(
      (file) =>
        ({
          file,
          ...(JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Omit<GoldenCase<Extra>, "file">),
        }) as GoldenCase<Extra>,
    );
}
