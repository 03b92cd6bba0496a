/**
 * The Gmail connector's pull without the engine, over HTTP against the sandbox with the real SDK: requests
 * per page size, GMAIL_QUERY, `--since`, a refused refresh token, and the demo mailbox (resuming, 401/403/429/5xx
 * are the contract suite's, in ../contract/).
 */
import { describe, expect, it } from "vitest";
import { GMAIL_BATCH_SIZE } from "../../../connectors/gmail/client.ts";
import { mapGmailRecord } from "../../../connectors/gmail/map.ts";
import { GMAIL_PAGE_SIZES, MESSAGES_STREAM } from "../../../connectors/gmail/pull.ts";
import { buildBulkGmailDataset, startGmailSandbox } from "../../../connectors/sandbox/gmail/index.ts";
import type { PulledPage } from "../../../connectors/types.ts";
import { buildGmailDemoDataset } from "../../../src/demo/story/gmail.ts";
import { findLinks } from "../../../src/linking/index.ts";
import { idsOf, pullAll } from "../kit.ts";
import { buildMailbox, PEOPLE, quickGmail, RUN_NOW, settingsFor } from "./helpers.ts";

describe("Gmail pull", () => {
  it("backfills 1,200 messages in the fewest requests the page sizes allow", async () => {
    const { data } = buildBulkGmailDataset({ messages: 1200 });
    const gmail = await startGmailSandbox(data);
    try {
      const settings = settingsFor(gmail);
      const full = await pullAll(quickGmail().connector, settings, settings.user, { now: RUN_NOW });
      expect(new Set(idsOf(full.pages)).size).toBe(1200);
      const paths = gmail.requests.entries.map((e) => e.path.replace(/\?.*/, ""));
      const count = (p: string) => paths.filter((x) => x === p).length;
      expect(count("/token")).toBe(1);
      expect(count("/gmail/v1/users/me/profile")).toBe(1);
      expect(count("/gmail/v1/users/me/messages")).toBe(Math.ceil(1200 / GMAIL_PAGE_SIZES.list));
      expect(count("/batch/gmail/v1")).toBe(Math.ceil(1200 / GMAIL_BATCH_SIZE));
      expect(count("/gmail/v1/users/me/history")).toBe(1);
      expect(full.report.requestCount).toBe(gmail.requests.entries.length);
      expect(full.report.estimates).toEqual([1200]);
    } finally {
      await gmail.close();
    }
  });

  it("reads only what GMAIL_QUERY selects, in the backfill and in the history", async () => {
    const data = buildMailbox();
    const gmail = await startGmailSandbox(data);
    try {
      const settings = settingsFor(gmail, { extra: { GMAIL_QUERY: "from:acme-corp.example -from:news" } });
      const backfill = await pullAll(quickGmail().connector, settings, settings.user, { now: RUN_NOW });
      const senders = (pages: PulledPage[]) =>
        pages
          .flatMap((p) => p.records.flatMap((r) => mapGmailRecord(r).items ?? []))
          .map((i) => i.author?.externalId);
      expect(new Set(senders(backfill.pages))).toEqual(
        new Set(["dan.miller@acme-corp.example", "priya@acme-corp.example"]),
      );

      data.advance(60_000);
      data.send({ from: PEOPLE.ben, to: [PEOPLE.ana], subject: "internal", text: "not for the timeline" });
      data.send({ from: PEOPLE.dan, to: [PEOPLE.ana], subject: "FAL-30", text: "from the client" });
      const sync = await pullAll(quickGmail().connector, settings, settings.user, {
        now: RUN_NOW,
        mode: "sync",
        cursors: backfill.cursors,
      });
      expect(senders(sync.pages)).toEqual(["dan.miller@acme-corp.example"]);
    } finally {
      await gmail.close();
    }
  });

  it("backfills from --since with an after: query, and reads further back when a later backfill asks", async () => {
    const data = buildMailbox();
    const gmail = await startGmailSandbox(data);
    try {
      const settings = settingsFor(gmail, { token: true });
      const since = new Date(data.listed()[2]!.internalDate);
      const recent = await pullAll(quickGmail().connector, settings, settings.user, { now: RUN_NOW, since });
      expect(idsOf(recent.pages)).toEqual(
        data
          .listed()
          .slice(0, 3)
          .map((m) => m.id),
      );
      expect(
        gmail.requests.entries.some((e) =>
          decodeURIComponent(e.path).includes(`q=after:${since.getTime() / 1000}`),
        ),
      ).toBe(true);
      // No token endpoint with GMAIL_ACCESS_TOKEN.
      expect(gmail.requests.count({ path: /^\/token/ })).toBe(0);
      const all = await pullAll(quickGmail().connector, settings, settings.user, {
        now: RUN_NOW,
        cursors: recent.cursors,
      });
      expect(idsOf(all.pages)).toHaveLength(data.messages.size);
      const again = await pullAll(quickGmail().connector, settings, settings.user, {
        now: RUN_NOW,
        cursors: all.cursors,
        mode: "backfill",
      });
      expect(idsOf(again.pages)).toEqual([]);
    } finally {
      await gmail.close();
    }
  });

  it("says which variable to check when the token endpoint refuses the refresh token", async () => {
    const gmail = await startGmailSandbox(buildMailbox());
    try {
      const badRefresh = settingsFor(gmail, { extra: { GMAIL_REFRESH_TOKEN: "1//revoked" } });
      await expect(
        pullAll(quickGmail().connector, badRefresh, badRefresh.user, { now: RUN_NOW }),
      ).rejects.toMatchObject({
        kind: "auth",
        message: expect.stringMatching(/token endpoint .* refused the refresh token .*GMAIL_REFRESH_TOKEN/),
      });
    } finally {
      await gmail.close();
    }
  });

  it("the demo mailbox names the demo's tasks the way people do", async () => {
    const data = buildGmailDemoDataset(RUN_NOW);
    const gmail = await startGmailSandbox(data);
    try {
      const settings = settingsFor(gmail);
      const { pages } = await pullAll(quickGmail().connector, settings, settings.user, { now: RUN_NOW });
      const items = pages.flatMap((p) => p.records.flatMap((r) => mapGmailRecord(r).items ?? []));
      expect(items).toHaveLength(data.messages.size);
      const context = {
        jiraProjects: ["ACME"],
        jiraSiteUrls: [],
        githubRepos: ["acme/portal"],
        githubWebUrls: ["https://github.com"],
      };
      const keys = new Set(
        items.flatMap((i) =>
          findLinks(
            { source: "gmail", kind: "email", text: i.text, title: i.meta.subject ?? null },
            context,
          ).map((l) => l.taskKey),
        ),
      );
      expect(keys).toEqual(
        new Set(["ACME-1", "ACME-3", "ACME-4", "ACME-6", "ACME-7", "ACME-11", "ACME-13", "acme/portal#41"]),
      );
      // Replies without a key share their thread with one that has it.
      const noKey = items.filter(
        (i) => !/ACME-\d+/.test(`${i.meta.subject} ${i.text}`) && i.threadId !== i.externalId,
      );
      expect(noKey.length).toBeGreaterThan(0);
      expect(items.every((i) => i.at.getTime() <= RUN_NOW.getTime())).toBe(true);
      expect(items.find((i) => i.author?.externalId === "zoe.lefevre@acme-corp.example")?.text).toContain(
        "Comptabilité",
      );
      expect(pages.at(-1)?.cursor).toMatchObject({ mailbox: "maya@demo.threadline.dev" });
      expect(MESSAGES_STREAM).toBe(pages[0]!.stream);
    } finally {
      await gmail.close();
    }
  });
});
