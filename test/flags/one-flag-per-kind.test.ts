/**
 * One flag per task and kind, end to end on the store: several signals of one kind make one stored flag with
 * all their reasons and evidence; the task page shows every reason and the inbox one row; a dismissal holds
 * until a new signal of that kind arrives.
 */
import { beforeAll, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { createApp } from "../../src/api/app.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeFlags } from "../../src/flags/recompute.ts";
import { dismissFlag, loadFlagsOfTasks, snoozeFlag, toFlagId } from "../../src/store/flag-store.ts";
import { loadInbox } from "../../src/store/inbox-queries.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { insertItem, insertPeople, insertTask } from "./seed.ts";

const settings = parseFlagSettings(
  undefined,
  { THREADLINE_TEAM_DOMAINS: "acme.dev", THREADLINE_TIMEZONE: "Europe/London" },
  listSources(),
);
const TOKEN = "one-flag-test-token-3b9e";
const HOST = "inbox.example";
const WAIT = "Still waiting on the client for the SFTP credentials, can't test the import until then.";
const WAIT_AGAIN = "Also blocked on their firewall change: the client still has not opened port 22 for us.";

describeEachDatabase("one flag per task and kind", (ctx) => {
  const key = "WEB-20";
  const id = toFlagId(key, "blocked_external");
  const openOf = async (at: Date) => {
    await recomputeFlags(ctx.db, { taskKeys: [key], now: at, settings });
    return (await loadFlagsOfTasks(ctx.db, [key])).filter((f) => f.state !== "resolved");
  };

  beforeAll(async () => {
    await insertPeople(ctx.db, [
      {
        id: "p_anna",
        name: "Anna Kowalski",
        email: "anna@acme.dev",
        identities: [{ source: "jira", externalId: "acc-anna", email: "anna@acme.dev" }],
      },
    ]);
    await insertTask(ctx.db, {
      key,
      assigneeId: "p_anna",
      reporterId: "p_anna",
      labels: ["blocked", "waiting-for-client"],
      createdAt: "2025-03-03T09:00:00Z",
      raw: { key, fields: { resolution: null, issuelinks: [] } },
    });
    await insertItem(ctx.db, {
      id: "jira:created",
      taskKey: key,
      kind: "task_created",
      authorId: "p_anna",
      at: "2025-03-03T09:00:00Z",
      text: "Import the invoices over SFTP",
    });
    await insertItem(ctx.db, {
      id: "jira:w1",
      taskKey: key,
      authorId: "p_anna",
      at: "2025-03-10T10:00:00Z",
      text: WAIT,
    });
  });

  it("stores one blocked flag for two labels and a comment, with every reason on the task page", async () => {
    const flags = await openOf(new Date("2025-03-11T12:00:00Z"));
    const blocked = flags.filter((f) => f.kind === "blocked_external");
    expect(blocked.map((f) => f.id)).toEqual([id]);
    expect(blocked[0]!.reasons).toHaveLength(3);
    expect(blocked[0]!.reason).toBe(blocked[0]!.reasons[0]);
    expect(blocked[0]!.evidence).toContain("jira:w1");

    const inbox = await loadInbox(ctx.db, {
      filter: {},
      now: new Date("2025-03-11T12:00:00Z"),
      perKind: 50,
    });
    const rows = inbox.groups.flatMap((g) => g.rows).filter((r) => r.taskKey === key);
    expect(rows.filter((r) => r.kind === "blocked_external")).toHaveLength(1);

    const app = createApp({ db: ctx.db, apiToken: TOKEN, now: () => new Date("2025-03-11T12:00:00Z") });
    const request = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
      app.request(`http://${HOST}${path}`, { ...init, headers: { host: HOST, ...init.headers } });
    const signin = await request("/signin");
    const pre = signin.headers.get("set-cookie")!.split(";")[0]!;
    const form = /name="_signin" value="([^"]+)"/.exec(await signin.text())![1]!;
    const session = await request("/signin", {
      method: "POST",
      headers: { cookie: pre, origin: `http://${HOST}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _signin: form, token: TOKEN, next: `/tasks/${key}` }).toString(),
    });
    const cookie = session.headers.get("set-cookie")!.split(";")[0]!;
    const page = await (await request(`/tasks/${key}`, { headers: { cookie } })).text();
    expect(page).toContain("“blocked”");
    expect(page).toContain("“waiting-for-client”");
    expect(page).toContain("SFTP credentials");
    const api = await request(`/api/flags?kind=blocked_external`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const body = (await api.json()) as { flags: Array<{ taskKey: string }> };
    expect(body.flags.filter((f) => f.taskKey === key)).toHaveLength(1);
  });

  it("keeps a dismissal of the one flag until a new signal of its kind arrives", async () => {
    await dismissFlag(ctx.db, id, "we chase them weekly", "anna@acme.dev", new Date("2025-03-11T13:00:00Z"));
    let flags = await openOf(new Date("2025-03-12T12:00:00Z"));
    expect(flags.find((f) => f.kind === "blocked_external")?.state).toBe("dismissed");
    await insertItem(ctx.db, {
      id: "jira:w2",
      taskKey: key,
      authorId: "p_anna",
      at: "2025-03-12T14:00:00Z",
      text: WAIT_AGAIN,
    });
    flags = await openOf(new Date("2025-03-12T15:00:00Z"));
    const blocked = flags.filter((f) => f.kind === "blocked_external");
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatchObject({ id, state: "open", stateReason: "new evidence after the dismissal" });
    expect(blocked[0]!.evidence).toEqual(expect.arrayContaining(["jira:w1", "jira:w2"]));
  });

  it("snoozes the one flag: no other flag of its kind shows meanwhile", async () => {
    await snoozeFlag(
      ctx.db,
      id,
      new Date("2025-03-20T09:00:00Z"),
      "anna@acme.dev",
      new Date("2025-03-12T16:00:00Z"),
    );
    const flags = await openOf(new Date("2025-03-13T12:00:00Z"));
    expect(flags.filter((f) => f.kind === "blocked_external").map((f) => f.state)).toEqual(["snoozed"]);
  });
});
