import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import {
  type ActionDeps,
  ActionError,
  DEFAULT_TEMPLATES,
  listFlagActions,
  loadFlagActionOutcomes,
  loadTaskActions,
  previewFlagAction,
  runFlagAction,
} from "../../src/actions/index.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { recomputeFlags } from "../../src/flags/recompute.ts";
import { loadTaskSnapshots } from "../../src/store/load-task-snapshots.ts";
import { queryRows } from "../../src/store/rows.ts";
import { insertPeople } from "../flags/seed.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { seedActionTask } from "./seed-actions.ts";
import { startWriteServer, type WriteServer, writingJira } from "./write-server.ts";

const NOW = new Date("2025-03-06T09:00:00Z");
const caller = { by: "ann@acme.dev", email: "ann@acme.dev" };

describeEachDatabase("acting on a flag", (ctx) => {
  let server: WriteServer;
  let deps: ActionDeps;
  let keys = 0;
  const key = () => `key-${++keys}-${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    server = await startWriteServer();
    await seedActionTask(ctx.db);
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    server.comments.length = 0;
    server.requests.length = 0;
    server.failNext = null;
    server.refuseNext = null;
    server.scopes = ["write:comment"];
    await ctx.db.execute(sql`delete from flag_actions`);
    deps = {
      db: ctx.db,
      now: () => NOW,
      connectors: { jira: writingJira },
      // A fresh settings object: its access answer is not cached from another test.
      sourceSettings: { jira: { url: server.url } },
      templates: DEFAULT_TEMPLATES,
      flagSettings: parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.dev" }, listSources()),
      log: { info: () => {}, error: () => {} },
    };
  });

  it("previews what will be written, where and as whom, without writing", async () => {
    const [preview] = await listFlagActions(deps, "f-record", caller);
    expect(preview).toMatchObject({
      action: "record",
      label: "Record on the task",
      enabled: true,
      needs: null,
      account: "Threadline bot",
      writes: [
        {
          source: "jira",
          kind: "comment",
          where: "a comment on ACME-12 in Jira",
          text: "Dana Ruiz <dana@client.io> wrote by email on 3 Mar 2025:\n\n> The export button is missing.\n> Could you add it back?\n\nhttps://mail.google.com/mail/#all/m1",
        },
      ],
    });
    const edited = await previewFlagAction(
      deps,
      "f-record",
      "record",
      { text: "Client wants the button back." },
      caller,
    );
    expect(edited.writes[0]?.text).toBe("Client wants the button back.");
    expect(server.comments).toEqual([]);
  });

  it("writes once when the same action is submitted twice at once", async () => {
    const idempotencyKey = key();
    const request = { flagId: "f-record", action: "record" as const, idempotencyKey, caller };
    const [a, b] = await Promise.all([runFlagAction(deps, request), runFlagAction(deps, request)]);
    expect(a.id).toBe(b.id);
    const again = await runFlagAction(deps, request);
    expect(again.state).toBe("done");
    expect(again.by).toBe("ann@acme.dev");
    expect(server.comments).toHaveLength(1);
    expect(server.comments[0]?.actionId).toBe(a.id);
    expect(again.results).toEqual([{ externalId: "c1", url: `${server.url}/comments/c1` }]);
  });

  it("leaves a 5xx after the write landed retryable, and the retry finds it instead of writing again", async () => {
    server.failNext = "after";
    const request = { flagId: "f-record", action: "record" as const, idempotencyKey: key(), caller };
    const failed = await runFlagAction(deps, request);
    expect(failed).toMatchObject({ state: "failed", retryable: true });
    expect(failed.error).toMatch(/503 from \/comments/);
    const retried = await runFlagAction(deps, request);
    expect(retried.state).toBe("done");
    expect(server.comments).toHaveLength(1);
    expect(server.requests.filter((r) => r === "POST /comments")).toHaveLength(1);
    expect(retried.results[0]?.externalId).toBe("c1");
  });

  it("finds an earlier attempt's landed write when a fresh preview brings a new key, and writes nothing again", async () => {
    server.failNext = "after";
    const first = await runFlagAction(deps, {
      flagId: "f-record",
      action: "record",
      idempotencyKey: key(),
      caller,
    });
    expect(first).toMatchObject({ state: "failed", retryable: true });
    const again = await runFlagAction(deps, {
      flagId: "f-record",
      action: "record",
      idempotencyKey: key(),
      caller,
    });
    expect(again).toMatchObject({ id: first.id, state: "done" });
    expect(server.comments).toHaveLength(1);
    expect(server.requests.filter((r) => r === "POST /comments")).toHaveLength(1);
  });

  it("writes under the new key when the earlier attempt wrote nothing, and closes the earlier one", async () => {
    server.failNext = "before";
    const first = await runFlagAction(deps, {
      flagId: "f-record",
      action: "record",
      idempotencyKey: key(),
      caller,
    });
    expect(first.state).toBe("failed");
    const again = await runFlagAction(deps, {
      flagId: "f-record",
      action: "record",
      idempotencyKey: key(),
      caller,
    });
    expect(again.id).not.toBe(first.id);
    expect(again.state).toBe("done");
    expect(server.comments).toHaveLength(1);
    const outcomes = await loadFlagActionOutcomes(ctx.db, "f-record");
    expect(outcomes.find((o) => o.id === first.id)).toMatchObject({ state: "failed", retryable: false });
  });

  it("writes on the retry when the 5xx came before anything was saved", async () => {
    server.failNext = "before";
    const request = { flagId: "f-record", action: "record" as const, idempotencyKey: key(), caller };
    expect((await runFlagAction(deps, request)).state).toBe("failed");
    expect(server.comments).toHaveLength(0);
    expect((await runFlagAction(deps, request)).state).toBe("done");
    expect(server.comments).toHaveLength(1);
  });

  it("says why a refused write failed for good, and does not try it again", async () => {
    server.refuseNext = 404;
    const request = { flagId: "f-record", action: "record" as const, idempotencyKey: key(), caller };
    const failed = await runFlagAction(deps, request);
    expect(failed).toMatchObject({ state: "failed", retryable: false });
    expect(failed.error).toContain("404 from /comments: no such issue");
    const posts = server.requests.length;
    expect(await runFlagAction(deps, request)).toMatchObject({ state: "failed", retryable: false });
    expect(server.requests).toHaveLength(posts);
  });

  it("shows an action whose scope is missing disabled with the scope it needs, and never tries it", async () => {
    server.scopes = [];
    const [preview] = await listFlagActions(deps, "f-record", caller);
    expect(preview).toMatchObject({ enabled: false, needs: "write:comment" });
    const request = { flagId: "f-record", action: "record" as const, idempotencyKey: key(), caller };
    await expect(runFlagAction(deps, request)).rejects.toMatchObject({ kind: "unavailable" });
    expect(server.requests.filter((r) => r.startsWith("POST"))).toEqual([]);
    expect(await loadTaskActions(ctx.db, "ACME-12")).toEqual([]);
  });

  it("refuses an unknown flag, an action of another kind, and a key used for another action", async () => {
    await expect(listFlagActions(deps, "f-none", caller)).rejects.toMatchObject({ kind: "not_found" });
    await expect(previewFlagAction(deps, "f-record", "nudge", {}, caller)).rejects.toBeInstanceOf(
      ActionError,
    );
    const idempotencyKey = key();
    await runFlagAction(deps, { flagId: "f-record", action: "record", idempotencyKey, caller });
    await ctx.db.execute(sql`
      insert into flags (id, task_key, kind, since, reason) values ('f-owner', 'ACME-12', 'no_owner', '2025-03-03T00:00:00Z', 'Nobody.')
      on conflict do nothing`);
    await expect(
      runFlagAction(deps, {
        flagId: "f-owner",
        action: "assign",
        assignee: "acc-ann",
        idempotencyKey,
        caller,
      }),
    ).rejects.toMatchObject({ kind: "key_reused" });
  });

  it("lists the action on the task, its item pending until a sync brings it", async () => {
    const outcome = await runFlagAction(deps, {
      flagId: "f-record",
      action: "record",
      idempotencyKey: key(),
      caller,
    });
    const [listed] = await loadTaskActions(ctx.db, "ACME-12");
    expect(listed).toMatchObject({
      id: outcome.id,
      action: "record",
      state: "done",
      by: "ann@acme.dev",
      pendingItems: ["jira:c1"],
    });
    await ctx.db.execute(sql`
      insert into items (id, source, external_id, kind, at, text) values ('jira:c1', 'jira', 'c1', 'comment', now(), 'x')`);
    const [arrived] = await loadTaskActions(ctx.db, "ACME-12");
    expect(arrived?.pendingItems).toEqual([]);
    await ctx.db.execute(sql`delete from items where id = 'jira:c1'`);
  });

  it("clears the flag once the recorded comment arrives by sync: the rules know the action wrote it", async () => {
    const settings = deps.flagSettings;
    // The flag as the rules raise it (the seeded one's id is not theirs).
    await ctx.db.execute(sql`delete from flags`);
    await recomputeFlags(ctx.db, { now: NOW, settings, taskKeys: ["ACME-12"] });
    const flagId = async () =>
      (
        await queryRows<{ id: string; state: string }>(
          ctx.db,
          sql`select id, state from flags where kind = 'feedback_off_board'`,
        )
      )[0];
    const raised = await flagId();
    expect(raised?.state).toBe("open");
    await runFlagAction(deps, { flagId: raised!.id, action: "record", idempotencyKey: key(), caller });
    // The comment as a sync maps it: written by the account the source's credentials belong to.
    await insertPeople(ctx.db, [
      {
        id: "p-bot",
        name: "Threadline bot",
        identities: [{ source: "jira", externalId: "acc-bot", isBot: true }],
      },
    ]);
    await ctx.db.execute(sql`
      insert into items (id, source, external_id, kind, author_id, at, text)
      values ('jira:c1', 'jira', 'c1', 'comment', 'p-bot', '2025-03-06T09:00:00Z', ${server.comments[0]!.text})`);
    await ctx.db.execute(
      sql`insert into item_links (item_id, task_key, rule) values ('jira:c1', 'ACME-12', 'jira_key')`,
    );
    const [snapshot] = await loadTaskSnapshots(ctx.db, ["ACME-12"], settings);
    expect(snapshot?.items.map((i) => [i.id, i.facts.writtenBy])).toEqual([
      ["gmail:m1", null],
      ["jira:c1", "record"],
    ]);
    await recomputeFlags(ctx.db, { now: NOW, settings, taskKeys: ["ACME-12"] });
    expect(await flagId()).toEqual({ id: raised!.id, state: "resolved" });
  });
});
