import { Worker } from "node:worker_threads";
import { CONNECTORS, type ConnectorSet } from "../../connectors/registry.ts";
import type { Connector, Mapped, RawRecord } from "../../connectors/types.ts";
import { log } from "../log.ts";
import type { MapAnswer, MapRequest, MapThreadData } from "./map-thread-worker.ts";
import { markNotAnalysed, shrinkRecord } from "./over-budget.ts";
import { inPlaceMapper, mapFailure, mapRecord, type PageMapper } from "./page-mapper.ts";

/**
 * How long one record may take to map (its text cleaned, its HTML read): far above what a megabyte of any
 * body takes on a loaded machine, far below a stall anyone would notice.
 */
export const RECORD_TIME_BUDGET_MS = 3_000;

/**
 * The thread is found from here by a path two levels up, which holds both from `src/sync/` and from a bundle
 * two levels below the repository.
 */
const ENTRY = new URL("../../src/sync/map-thread-entry.js", import.meta.url);

export interface ThreadMapper extends PageMapper {
  /** Records that ran past their budget since the mapper started (the thread was replaced each time). */
  readonly overBudget: number;
  close(): Promise<void>;
}

/**
 * Maps pages in one long-lived thread, so that the event loop (the web, the database's answers) never waits on
 * a connector's text handling. A record that runs past `recordBudgetMs` has its thread ended and replaced; the
 * record is read again with its long strings cut (`shrinkRecord`) and its items say they were not analysed
 * (`markNotAnalysed`); the page saves with the rest. Connectors that are not the registry's (a test's own)
 * map in place.
 */
export function createThreadMapper(
  options: {
    recordBudgetMs?: number;
    /** Another registry (a test's): the set itself, and the module that exports it as `CONNECTORS`. */
    registry?: { connectors: ConnectorSet; module: URL };
  } = {},
): ThreadMapper {
  const budgetMs = options.recordBudgetMs ?? RECORD_TIME_BUDGET_MS;
  const registry: ConnectorSet = options.registry?.connectors ?? CONNECTORS;
  const workerData: MapThreadData = options.registry ? { registry: options.registry.module.href } : {};
  let thread: Promise<Worker | null> | null = null;
  let pages = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const state = { overBudget: 0 };

  /** The running thread, started on first use; null when no thread can start (then pages map in place). */
  const start = (): Promise<Worker | null> => {
    thread ??= new Promise<Worker | null>((resolve) => {
      const worker = new Worker(ENTRY, { workerData });
      worker.unref();
      const failed = (err: unknown) => {
        log.error({ err }, "the mapping thread did not start; pages are mapped in the main thread");
        resolve(null);
      };
      worker.once("error", failed);
      worker.once("message", (answer: MapAnswer) => {
        worker.off("error", failed);
        resolve("ready" in answer ? worker : null);
      });
    });
    return thread;
  };

  const stop = async (worker: Worker) => {
    thread = null;
    worker.removeAllListeners();
    await worker.terminate();
  };

  /**
   * Maps `records` in the thread into `out` until one runs past its budget; resolves with its index, or null
   * when all were mapped.
   */
  const run = (
    worker: Worker,
    connector: Connector,
    records: readonly RawRecord[],
    out: Mapped[],
  ): Promise<{ stoppedAt: number | null }> =>
    new Promise((resolve, reject) => {
      const page = ++pages;
      let next = 0;
      let timer: NodeJS.Timeout;
      const done = (result: { stoppedAt: number | null } | Error) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onError);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => done({ stoppedAt: next }), budgetMs);
      };
      const onMessage = (answer: MapAnswer) => {
        if ("ready" in answer || answer.page !== page) return;
        const record = records[answer.index]!;
        if ("error" in answer) return done(mapFailure(connector, record, answer.error));
        out[answer.index] = answer.mapped;
        next = answer.index + 1;
        if (next === records.length) done({ stoppedAt: null });
        else arm();
      };
      // A thread that dies on a record (out of memory, say) counts as one past its budget.
      const onError = () => done({ stoppedAt: next });
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.once("exit", onError);
      arm();
      worker.postMessage({ page, source: connector.id, records: [...records] } satisfies MapRequest);
    });

  const mapPage = async (connector: Connector, records: readonly RawRecord[]): Promise<Mapped[]> => {
    const out: Mapped[] = new Array(records.length);
    let from = 0;
    while (from < records.length) {
      const worker = await start();
      if (!worker) return inPlaceMapper.map(connector, records);
      const part: Mapped[] = [];
      const { stoppedAt } = await run(worker, connector, records.slice(from), part);
      for (const [i, mapped] of part.entries()) out[from + i] = mapped;
      if (stoppedAt === null) break;
      await stop(worker);
      const index = from + stoppedAt;
      const record = records[index]!;
      state.overBudget++;
      log.warn(
        { source: connector.id, type: record.type, budgetMs },
        "a record took longer than its budget to map; it is kept unanalysed",
      );
      out[index] = markNotAnalysed(mapRecord(connector, shrinkRecord(record)), budgetMs);
      from = index + 1;
    }
    return out;
  };

  return {
    get overBudget() {
      return state.overBudget;
    },
    map(connector, records) {
      if (records.length === 0 || registry[connector.id]?.map !== connector.map)
        return inPlaceMapper.map(connector, records);
      // One page at a time through the one thread; a failed page does not stop the next.
      const mapped = queue.then(() => mapPage(connector, records));
      queue = mapped.catch(() => {});
      return mapped;
    },
    async close() {
      await queue;
      const worker = await thread;
      if (worker) await stop(worker);
    },
  };
}

let shared: ThreadMapper | null = null;

/** The process's one mapping thread, for every sync it runs. */
export function sharedThreadMapper(): ThreadMapper {
  shared ??= createThreadMapper();
  return shared;
}
