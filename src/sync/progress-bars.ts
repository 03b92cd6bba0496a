import { MultiBar, type SingleBar } from "cli-progress";
import type { SourceId } from "../model/kinds.ts";
import type { SourceProgress, SourceReport, SyncObserver } from "./engine.ts";
import { formatCount, formatDuration } from "./summary.ts";

const BAR_WIDTH = 20;

/** One source's line: bar, items, pages, rate, time left, and why it waits, if it does. */
export function toProgressLine(
  source: SourceId,
  progress: SourceProgress,
  nowMs: number,
  finished?: SourceReport,
): string {
  const name = source.padEnd(7);
  const elapsed = Math.max(1, nowMs - progress.startedAt) / 1000;
  const rate = progress.items / elapsed;
  const parts: string[] = [];
  if (progress.estimate !== null && progress.estimate > 0) {
    const share = Math.min(1, progress.items / progress.estimate);
    const full = Math.round(share * BAR_WIDTH);
    parts.push(`${"█".repeat(full)}${"░".repeat(BAR_WIDTH - full)}`);
    parts.push(`${formatCount(progress.items)}/${formatCount(progress.estimate)} items`);
  } else {
    parts.push(" ".repeat(BAR_WIDTH));
    parts.push(`${formatCount(progress.items)} items`);
  }
  parts.push(`${formatCount(progress.pages)} pages`);
  if (finished) {
    parts.push(formatDuration(finished.durationMs));
    parts.push(
      finished.ok
        ? "done"
        : `failed (${finished.errors.length} error${finished.errors.length === 1 ? "" : "s"})`,
    );
    return `${name} ${parts.join(" · ")}`;
  }
  parts.push(`${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s`);
  if (progress.estimate !== null && rate > 0 && progress.estimate > progress.items) {
    parts.push(`${formatDuration(((progress.estimate - progress.items) / rate) * 1000)} left`);
  }
  if (progress.scopes > 1) parts.push(`${progress.scopesDone}/${progress.scopes} scopes`);
  if (progress.status) parts.push(progress.status);
  return `${name} ${parts.join(" · ")}`;
}

/** A progress line per source on a terminal (cli-progress MultiBar on `stream`). */
export function createProgressBars(stream: NodeJS.WritableStream): SyncObserver & { stop(): void } {
  const multibar = new MultiBar({
    stream,
    format: (_options, _params, payload: { line?: string }) => payload.line ?? "",
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    fps: 5,
    autopadding: false,
  });
  const bars = new Map<SourceId, { bar: SingleBar; progress: SourceProgress }>();
  const blank = (): SourceProgress => ({
    items: 0,
    pages: 0,
    requests: 0,
    estimate: null,
    scopes: 0,
    scopesDone: 0,
    status: null,
    startedAt: Date.now(),
  });
  return {
    sourceStarted(source) {
      const progress = blank();
      const bar = multibar.create(1, 0, { line: toProgressLine(source, progress, Date.now()) });
      bars.set(source, { bar, progress });
    },
    progress(source, progress) {
      const entry = bars.get(source);
      if (!entry) return;
      entry.progress = progress;
      entry.bar.update(0, { line: toProgressLine(source, progress, Date.now()) });
    },
    sourceFinished(report) {
      const entry = bars.get(report.source);
      if (!entry) return;
      entry.bar.update(1, { line: toProgressLine(report.source, entry.progress, Date.now(), report) });
    },
    stop() {
      multibar.stop();
    },
  };
}
