/**
 * The demo workspace: with no source configured, `threadline serve` runs on simulated Jira, GitHub, Teams and
 * Slack (see `demo-sources.ts`), synced through the real connectors into an embedded database of its own, so
 * a newcomer sees a working inbox at once and the demo never mixes with real data later.
 *
 * What it keeps under `<THREADLINE_DATA_DIR>/demo/`: the database, and `state.json` (when the story ends and
 * the ports it was served on). A start within a day of the last one serves the same story on the same ports,
 * so the pass is incremental and links stay valid; later (or when a port is taken) the story is built afresh
 * relative to now, into an empty database.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { toCommaList } from "../../connectors/kit/comma-list.ts";
import { CONNECTORS, type ConnectorSet, listConnectors, listSources } from "../../connectors/registry.ts";
import { type Config, ConfigError } from "../config.ts";
import { loadFlagSettings } from "../flags/load-flag-settings.ts";
import { recomputeFlags } from "../flags/recompute.ts";
import type { SourceId } from "../model/kinds.ts";
import { loadApiToken } from "../server/api-token.ts";
import type { Database, Db } from "../store/db.ts";
import { migrateDatabase } from "../store/migrate.ts";
import { openPglite } from "../store/open-pglite.ts";
import { runSync, type SyncReport } from "../sync/engine.ts";
import { toLinkContext } from "../sync/link-context.ts";
import { configureSources } from "../sync/sources.ts";
import {
  DEMO_SOURCES,
  type DemoSource,
  type DemoSources,
  isPortFree,
  startDemoSources,
} from "./demo-sources.ts";

/** The variable that turns the demo off (`THREADLINE_DEMO=0`). */
export const DEMO_SWITCH = "THREADLINE_DEMO";

/** How long a built story is served again before it is rebuilt relative to now. */
const STORY_LIFETIME_MS = 24 * 3_600_000;
/** Bumped when the demo data sets change shape, so an older demo database is rebuilt. */
const STATE_VERSION = 1;

const StateSchema = z.object({
  version: z.number(),
  storyEndsAt: z.iso.datetime(),
  ports: z.partialRecord(z.string(), z.number().int().min(1).max(65535)),
});
type DemoState = z.infer<typeof StateSchema>;

/** Whether `THREADLINE_DEMO` turns the demo off. */
export function isDemoSwitchedOff(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env[DEMO_SWITCH]?.trim().toLowerCase();
  return value === "0" || value === "false" || value === "off" || value === "no";
}

/**
 * Whether `serve` should run the demo: no source is configured and `THREADLINE_DEMO` does not turn it off.
 * A half-configured source throws its `ConfigError` here, as `backfill` would.
 */
export function wantsDemo(
  env: Readonly<Record<string, string | undefined>>,
  registry?: ConnectorSet,
): boolean {
  if (isDemoSwitchedOff(env)) return false;
  return configureSources(env, [], registry).length === 0;
}

/**
 * One pass of the demo sources into `db`: a backfill through the real connectors (incremental where cursors
 * are stored), then the flags of every task, as of `now`.
 */
export async function syncDemoWorkspace(
  db: Db,
  env: Readonly<Record<string, string>>,
  options: { now?: () => Date } = {},
): Promise<{ report: SyncReport; flags: number }> {
  const now = options.now ?? (() => new Date());
  const report = await runSync({
    db,
    sources: configureSources(env),
    mode: "backfill",
    linkContext: toLinkContext(env, listSources()),
    now,
  });
  // The settings file counts here as it does for every later recompute of the server.
  const summary = await recomputeFlags(db, { now: now(), settings: loadFlagSettings(env) });
  return { report, flags: summary.raised };
}

export interface DemoWorkspace {
  /** The configuration to serve with: the demo's database and token, the sources pointed at the sandboxes. */
  config: Config;
  sources: SourceId[];
  report: SyncReport;
  flags: number;
  /** Where the API token is kept, when it was generated rather than configured. */
  apiTokenFile: string | undefined;
  /** The demo's database, open and migrated: the server serves from it and closes it. */
  database: Database;
  /** Whether the database held the same story already (the pass was incremental). */
  reused: boolean;
  /** Stops the sandbox servers. */
  close(): Promise<void>;
}

async function readState(file: string): Promise<DemoState | null> {
  try {
    const parsed = StateSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success && parsed.data.version === STATE_VERSION ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The saved story and ports when they can be served again as they were; null to build afresh (none yet, too
 * old, or of an older shape). Throws when the story is current but one of its ports is taken: most likely
 * another `serve` runs on this data directory, and rebuilding would pull its database from under it.
 */
async function reusableState(
  state: DemoState | null,
  now: Date,
  sources: readonly DemoSource[],
  dir: string,
) {
  if (!state) return null;
  const age = now.getTime() - Date.parse(state.storyEndsAt);
  if (age < 0 || age > STORY_LIFETIME_MS) return null;
  for (const source of sources) {
    const port = state.ports[source.id];
    if (port === undefined) return null;
    if (!(await isPortFree(port))) {
      throw new ConfigError(
        `[threadline] [demo] port ${port} of the demo's ${source.id} is in use: is another \`threadline serve\` running on ${dir}? Stop it, or delete ${join(dir, "demo")} to rebuild the demo on other ports.`,
      );
    }
  }
  return state;
}

/**
 * Starts the demo sources, syncs them into the demo's database (`<dataDir>/demo/db`) and computes the flags.
 * The caller serves with the returned `config` and calls `close` when it stops.
 */
export async function startDemoWorkspace(
  config: Config,
  options: { now?: () => Date; sources?: readonly DemoSource[] } = {},
): Promise<DemoWorkspace> {
  const now = options.now ?? (() => new Date());
  const dir = join(config.dataDir, "demo");
  const stateFile = join(dir, "state.json");
  const databaseDir = join(dir, "db");
  const sources = options.sources ?? DEMO_SOURCES;
  const saved = await reusableState(await readState(stateFile), now(), sources, config.dataDir);
  if (!saved) await rm(databaseDir, { recursive: true, force: true });
  const storyEndsAt = saved ? new Date(saved.storyEndsAt) : now();

  let demo: DemoSources | undefined;
  let database: Database | undefined;
  try {
    demo = await startDemoSources({
      now: storyEndsAt,
      ...(saved ? { ports: saved.ports } : {}),
      sources,
    });
    // The sources are the demo's; the user's other settings (time zone, digest) stay. The demo's team domain
    // is always one of the team's, or its own people would count as clients.
    const env: Record<string, string> = { ...demo.env, ...withoutSources(config.env) };
    env.THREADLINE_TEAM_DOMAINS = [
      ...new Set([demo.env.THREADLINE_TEAM_DOMAINS, ...config.teamDomains].filter(Boolean)),
    ].join(",");
    // Kept open for the server: opening PGlite is most of the demo's start-up.
    database = await openPglite(databaseDir);
    await migrateDatabase(database);
    const result = await syncDemoWorkspace(database.db, env, { now });
    await mkdir(dir, { recursive: true });
    const state: DemoState = {
      version: STATE_VERSION,
      storyEndsAt: storyEndsAt.toISOString(),
      ports: demo.ports,
    };
    await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
    // The token stays where a configured workspace keeps it, so it survives turning the demo off.
    const { token, file } = await loadApiToken(config.apiToken, config.dataDir);
    const teamDomains = toCommaList(env.THREADLINE_TEAM_DOMAINS).map((d) => d.toLowerCase());
    return {
      config: { ...config, databaseUrl: undefined, dataDir: dir, apiToken: token, teamDomains, env },
      sources: Object.keys(demo.ports) as SourceId[],
      report: result.report,
      flags: result.flags,
      apiTokenFile: file,
      database,
      reused: saved !== null,
      close: demo.close,
    };
  } catch (err) {
    await database?.close();
    await demo?.close();
    throw err;
  }
}

/** The environment without any source's own variables (none are set when the demo runs, but be sure). */
function withoutSources(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const sourceVars = new Set(listConnectors(CONNECTORS).flatMap((c) => c.about.envVars));
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && !sourceVars.has(e[0])),
  );
}

/** Every variable that configures a source, for the message that says how to leave the demo. */
export function sourceVariables(): Record<SourceId, readonly string[]> {
  return Object.fromEntries(listConnectors(CONNECTORS).map((c) => [c.id, c.about.envVars])) as Record<
    SourceId,
    readonly string[]
  >;
}
