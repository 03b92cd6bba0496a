import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { vi } from "vitest";
import type { unstable_startWorker } from "wrangler";

type StartedWorker = Awaited<ReturnType<typeof unstable_startWorker>>;

export interface LocalWorker {
  /** Where the Worker answers, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /**
   * A cron tick, as Cloudflare's scheduler sends it, scheduled at `at` (default now): the scheduled handler's
   * outcome (`ok`, or an error's), once the handler is done.
   */
  cronTick(cron: string, at?: Date): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `src/worker.ts` as `wrangler dev --local` does: bundled by wrangler from `wrangler.toml`, run by workerd
 * on a free loopback port. `secrets` are bound as secret text, on top of the file's `[vars]`.
 * Nothing is asked of Cloudflare: no account, no remote bindings, no usage metrics, no `Request.cf` download.
 */
export async function startLocalWorker(
  secrets: Record<string, string>,
  options: { port?: number } = {},
): Promise<LocalWorker> {
  // Miniflare otherwise downloads the `Request.cf` object from Cloudflare at start.
  vi.stubEnv("CLOUDFLARE_CF_FETCH_ENABLED", "false");
  const persistTo = await mkdtemp(join(tmpdir(), "threadline-worker-"));
  let worker: StartedWorker | undefined;
  try {
    // Loaded here: wrangler takes seconds to import, and files that skip the Worker need none of it.
    const { unstable_startWorker: startWorker } = await import("wrangler");
    worker = await startWorker({
      config: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)),
      // The file's flags are not read for bundling by wrangler 4.86's programmatic start (`wrangler dev` reads
      // them; fixed upstream in workers-sdk#14617): nodejs_compat at a date after 2024-09-23 is mode v2.
      build: { nodejsCompatMode: "v2" },
      envFiles: [],
      sendMetrics: false,
      bindings: Object.fromEntries(
        Object.entries(secrets).map(([name, value]) => [name, { type: "secret_text", value }]),
      ),
      dev: {
        remote: false,
        server: { hostname: "127.0.0.1", port: options.port ?? 0 },
        inspector: false,
        persist: persistTo,
        watch: false,
        logLevel: "warn",
      },
    });
    await worker.ready;
    const url = (await worker.url).origin;
    const started = worker;
    return {
      url,
      // workerd's own trigger (what `wrangler dev` tells you to curl). wrangler 4.86's `Worker.scheduled()`
      // looks the Worker up in its proxy's runtime, where it is not, and throws "worker not found".
      cronTick: async (cron, at) => {
        const query = new URLSearchParams({ cron, ...(at ? { time: String(at.getTime()) } : {}) });
        const res = await fetch(`${url}/cdn-cgi/handler/scheduled?${query}`);
        return res.text();
      },
      stop: async () => {
        await started.dispose();
        await rm(persistTo, { recursive: true, force: true });
        vi.unstubAllEnvs();
      },
    };
  } catch (err) {
    await worker?.dispose();
    await rm(persistTo, { recursive: true, force: true });
    vi.unstubAllEnvs();
    throw err;
  }
}
