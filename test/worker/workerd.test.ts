/**
 * The Cloudflare Worker as Cloudflare runs it: `src/worker.ts` bundled by wrangler from `wrangler.toml` and run
 * by workerd (the runtime wrangler ships), against the test PostgreSQL server, with the GitHub sandbox as its
 * source. One Worker for the file: the API and its token, a signed GitHub push and a forged one, and the cron
 * trigger's incremental pass with its flags, checked in the database and against the Node server's pass.
 */

import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../connectors/sandbox/github/index.ts";
import { type JiraSandbox, jiraSandboxEnv, startJiraSandbox } from "../../connectors/sandbox/jira/index.ts";
import {
  type SlackSandbox,
  slackSandboxEnv,
  startSlackSandbox,
} from "../../connectors/sandbox/slack/index.ts";
import { parseConfig } from "../../src/config.ts";
import { buildSlackDemoDataset } from "../../src/demo/story/slack.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeAfterChange } from "../../src/flags/recompute.ts";
import { wireApp } from "../../src/server/wire-app.ts";
import { createApiToken } from "../../src/store/api-tokens.ts";
import type { Db } from "../../src/store/db.ts";
import { queryRows } from "../../src/store/rows.ts";
import { loadTimelineItems } from "../../src/store/task-queries.ts";
import { buildRepository } from "../connectors/github/helpers.ts";
import { buildSite } from "../connectors/jira/helpers.ts";
import { startTestSmtp, type TestSmtp } from "../digest/smtp.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";
import { BOOKKEEPING, dumpDatabase } from "../helpers/dump.ts";
import { type LocalWorker, startLocalWorker } from "../helpers/local-worker.ts";

const TOKEN = "workerd-test-token-5e1f0c9a";
const CRON = "*/15 * * * *";
// A Monday: the pass runs at noon, outside the digest's hour; the digest is due at 07:00 UTC (wrangler.toml).
const NOON = new Date("2026-12-07T12:00:00Z");
const DIGEST_TICK = new Date("2026-12-07T07:05:00Z");

const quiet = { info: () => {}, error: () => {} };

/** The database as a pass leaves it, without the times it was written at (the two passes run seconds apart). */
async function afterPass(db: Db) {
  const dump = await dumpDatabase(db, { omit: BOOKKEEPING });
  return {
    ...dump,
    sync_cursors: dump.sync_cursors.map(({ cursor, ...row }) => ({
      ...row,
      cursor: { ...(cursor as Record<string, unknown>), checkedAt: "(when checked)" },
    })),
  };
}

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Workers reach PostgreSQL over TCP and cannot use the embedded database: the suite needs TEST_DATABASE_URL
// (CI sets it), as the other PostgreSQL-only suites do.
describe.skipIf(!process.env.TEST_DATABASE_URL)("the Worker in workerd [postgres]", () => {
  let database: TestDatabase;
  let sb: GithubSandbox;
  let jira: JiraSandbox;
  let slack: SlackSandbox;
  let smtp: TestSmtp;
  let worker: LocalWorker | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    const dataset = new GithubDataset();
    buildRepository(dataset);
    [database, sb, jira, slack, smtp] = await Promise.all([
      createTestDatabase("postgres"),
      startGithubSandbox({ dataset }),
      startJiraSandbox(buildSite()),
      startSlackSandbox(buildSlackDemoDataset({ now: new Date("2025-03-14T08:00:00Z") })),
      startTestSmtp({ tls: "none" }),
    ]);
    env = {
      ...jiraSandboxEnv(jira, jira.data),
      ...slackSandboxEnv(slack),
      GITHUB_TOKEN: sb.token,
      GITHUB_REPOS: "acme/web",
      GITHUB_API_URL: sb.url,
      GITHUB_WEBHOOK_SECRET: sb.webhookSecret,
      THREADLINE_TEAM_DOMAINS: "acme.dev",
    };
    worker = await startLocalWorker({
      ...env,
      DATABASE_URL: database.url!,
      THREADLINE_API_TOKEN: TOKEN,
      SMTP_URL: smtp.url,
    });
  }, 90_000);
  afterAll(async () => {
    await worker?.stop();
    await sb?.close();
    await jira?.close();
    await slack?.close();
    await smtp?.close();
    await database?.close();
  });

  const call = (path: string, init: RequestInit = {}) => fetch(`${worker!.url}${path}`, init);
  const api = (path: string, init: RequestInit = {}) =>
    call(path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });
  const taskKeys = async () =>
    ((await (await api("/api/tasks")).json()) as { tasks: Array<{ key: string }> }).tasks
      .map((t) => t.key)
      .sort();

  it("answers /healthz, and /api only with the bearer token", async () => {
    const health = await call("/healthz");
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });

    expect((await call("/api/tasks")).status).toBe(401);
    expect(
      (await call("/api/tasks", { headers: { authorization: "Bearer wrong-token-0000000000" } })).status,
    ).toBe(401);
    const tasks = await api("/api/tasks");
    expect(tasks.status).toBe(200);
    expect(await tasks.json()).toEqual({ tasks: [], nextCursor: null });
  });

  it("takes a person's token on /api within its scopes, and refuses it once gone (Web Crypto in workerd)", async () => {
    const made = await createApiToken(database.db, {
      personId: "p_worker_token",
      email: "wren@acme.dev",
      name: "worker check",
      scopes: ["read"],
      expiresAt: new Date(Date.now() + 86_400_000),
      now: new Date(),
    });
    const personal = (path: string, init: RequestInit = {}) =>
      call(path, { ...init, headers: { authorization: `Bearer ${made.secret}`, ...init.headers } });
    expect((await personal("/api/flags?for=me")).status).toBe(200);
    const write = await personal("/api/flags/f_none/snooze", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ until: "2099-01-01" }),
    });
    expect(write.status).toBe(403);
    // Revoked (its row gone, as revoking leaves it; no person row here to revoke through).
    await database.db.execute(sql`delete from api_tokens where id = ${made.id}`);
    expect((await personal("/api/flags")).status).toBe(401);
  });

  it("runs an incremental pass from the cron trigger, flags included, as the Node server does", async () => {
    expect(await worker!.cronTick(CRON, NOON)).toBe("ok");
    expect(sb.requests.count({ path: /^\/repos\/acme\/web\// })).toBeGreaterThan(0);
    expect(jira.requests.count({ path: /^\/rest\/api\// })).toBeGreaterThan(0);
    expect(slack.requests.count({ path: /^\/api\/conversations\.history/ })).toBeGreaterThan(0);

    const keys = await taskKeys();
    expect(keys.filter((k) => k.startsWith("acme/web#"))).toEqual([
      "acme/web#1",
      "acme/web#2",
      "acme/web#3",
      "acme/web#4",
      "acme/web#5",
      "acme/web#6",
    ]);
    expect(keys.filter((k) => /^(PROJ|OPS)-\d+$/.test(k)).length).toBeGreaterThan(3);
    const workerDump = await afterPass(database.db);
    for (const source of ["github", "jira", "slack"]) {
      expect(workerDump.items.filter((i) => i.source === source).length, source).toBeGreaterThan(5);
    }
    expect(workerDump.flags.length).toBeGreaterThan(0);

    // The same pass through the same wiring on Node, into a database of its own.
    const node = await createTestDatabase("pglite");
    try {
      const config = parseConfig({ ...env, DATABASE_URL: undefined });
      const { sync } = wireApp({ db: node.db, config, apiToken: TOKEN, log: quiet });
      sync.request();
      await sync.idle();
      expect(workerDump).toEqual(await afterPass(node.db));
    } finally {
      await node.close();
    }
  });

  it("saves a signed GitHub push and refuses a forged one with 401", async () => {
    const web = sb.dataset.repo("acme/web");
    const comment = web.comment(2, {
      author: "anna",
      body: "Who can take this one? It blocks the release.",
    });
    const delivery = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"));
    const timeline = async () =>
      (await loadTimelineItems(database.db, "acme/web#2", null)).map((i) => i.text);
    const itemCount = async () =>
      (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from items`))[0]!.n;
    const itemsBefore = await itemCount();

    const forged = await call("/webhooks/github", {
      method: "POST",
      headers: { ...delivery.headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
      body: delivery.body,
    });
    expect(forged.status).toBe(401);
    expect(await itemCount()).toBe(itemsBefore);

    const good = await call("/webhooks/github", {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ ok: true, items: 1 });
    expect(await timeline()).toContain(comment.body);
    expect(await itemCount()).toBe(itemsBefore + 1);
    const res = await api("/api/tasks/acme%2Fweb%232/timeline");
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain(comment.body);
  });

  it("answers a push the database holds up after two seconds, and still saves it after the answer", async () => {
    const web = sb.dataset.repo("acme/web");
    const comment = web.comment(1, {
      author: "ben",
      body: "@anna could you send us the new IdP metadata?",
    });
    const delivery = sb.webhook("issue_comment", sb.payloads.issueComment("acme/web", comment, "created"));
    // Another session holds the items table, as a long migration or a bulk load would.
    const blocker = postgres(database.url!, { max: 1, onnotice: () => {} });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const transaction = blocker.begin(async (tx) => {
      await tx`lock table items in exclusive mode`;
      locked();
      await held;
    });
    try {
      await lockTaken;
      const res = await call("/webhooks/github", {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ ok: true, saving: true });
    } finally {
      release();
      await transaction;
      await blocker.end();
    }
    const timeline = async () =>
      (await loadTimelineItems(database.db, "acme/web#1", null)).map((i) => i.text);
    await until("the push to be saved after the answer", async () =>
      (await timeline()).includes(comment.body),
    );
    // Its flags too, recomputed after the answer: they cite the new comment, and a recompute on Node over
    // the same rows finds nothing left to change.
    const flagsOfTask = () =>
      queryRows<{
        kind: string;
        fingerprint: string;
        state: string;
        evidence: string[];
        owner_id: string | null;
      }>(
        database.db,
        sql`select kind, fingerprint, state, evidence, owner_id from flags where task_key = 'acme/web#1' order by id`,
      );
    const citing = async () =>
      (await flagsOfTask()).filter((f) => f.evidence.some((id) => id.endsWith(`:${comment.id}`)));
    await until("the flags to cite the comment", async () => (await citing()).length > 0);
    const before = await flagsOfTask();
    await recomputeAfterChange(
      database.db,
      ["acme/web#1"],
      parseFlagSettings(undefined, env, listSources()),
      new Date(),
    );
    expect(await flagsOfTask()).toEqual(before);
  });

  it("sends the digest from the cron tick in its hour, once", async () => {
    expect(await worker!.cronTick(CRON, DIGEST_TICK)).toBe("ok");
    const sent = await queryRows<{ recipient: string }>(
      database.db,
      sql`select recipient from digests where day = '2026-12-07' and status = 'sent' order by recipient`,
    );
    expect(sent.map((d) => d.recipient)).toContain("ana@acme.dev");
    expect(smtp.received.flatMap((m) => m.envelopeTo).sort()).toEqual(sent.map((d) => d.recipient));

    // The next tick of the hour finds every digest claimed.
    expect(await worker!.cronTick(CRON, new Date(DIGEST_TICK.getTime() + 15 * 60_000))).toBe("ok");
    expect(smtp.received).toHaveLength(sent.length);
  });
});
