/**
 * The Jira connector's pull against the sandbox, over HTTP through jira.js, without the engine: the
 * requests it makes, its cursor, and its errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJiraConnector } from "../../../connectors/jira/index.ts";
import {
  buildBulkJiraDataset,
  JiraDataset,
  type JiraSandbox,
  startJiraSandbox,
} from "../../../connectors/sandbox/jira/index.ts";
import { ConnectorError } from "../../../connectors/types.ts";
import { pullAll, recordingReporter, recordsOf } from "../kit.ts";
import { buildSite, quickJira, settingsFor } from "./helpers.ts";

describe.each(["cloud", "datacenter"] as const)("Jira pull (%s)", (deployment) => {
  let jira: JiraSandbox;
  beforeAll(async () => {
    jira = await startJiraSandbox(buildSite(deployment));
  });
  afterAll(() => jira.close());

  it("backfills every issue, comment and status change with the fewest requests the page sizes allow", async () => {
    jira.requests.clear();
    const { pages, report } = await pullAll(quickJira, settingsFor(jira), "PROJ");
    const records = recordsOf(pages);
    const byType = (t: string) => records.filter((r) => r.type === t);
    expect(
      byType("issue").map((r) => r.context?.issueKey ?? JSON.stringify(r.data).match(/"key":"([^"]+)"/)?.[1]),
    ).toEqual(["PROJ-4", "PROJ-3", "PROJ-2", "PROJ-1"]);
    expect(byType("comment")).toHaveLength(24 + 1);
    // 1 + 44 + 1 + 1 status changes.
    expect(byType("history")).toHaveLength(47);
    const searches = jira.requests.count({ path: /\/search/ });
    const serverInfo = jira.requests.count({ path: /serverInfo/ });
    if (deployment === "cloud") {
      // One search page, PROJ-1's comments (24 > 20 embedded), PROJ-2's changelog (44 > 40 embedded).
      expect(searches).toBe(1);
      expect(jira.requests.count({ path: /\/comment/ })).toBe(1);
      expect(jira.requests.count({ path: /\/changelog\/bulkfetch$/ })).toBe(1);
      expect(jira.requests.count({ path: /\/issue\/[^/]+\/changelog/ })).toBe(0);
    } else {
      // Data Center embeds every comment and history.
      expect(searches).toBe(1);
      expect(jira.requests.count({ path: /\/(comment|changelog)/ })).toBe(0);
    }
    expect(report.requestCount).toBe(jira.requests.entries.length);
    expect(serverInfo).toBeLessThanOrEqual(1);
  });

  it("asks twice at most in an incremental pass with nothing new, and yields nothing", async () => {
    const settings = settingsFor(jira);
    const first = await pullAll(quickJira, settings, "PROJ");
    jira.requests.clear();
    const again = await pullAll(quickJira, settings, "PROJ", { mode: "sync", cursors: first.cursors });
    expect(recordsOf(again.pages)).toEqual([]);
    expect(again.pages.flatMap((p) => p.deletions ?? [])).toEqual([]);
    expect(jira.requests.entries.length).toBeLessThanOrEqual(2);
  });

  it("sends the lower bound in epoch milliseconds, ordered by updated then key", async () => {
    const settings = settingsFor(jira);
    const first = await pullAll(quickJira, settings, "OPS");
    jira.requests.clear();
    await pullAll(quickJira, settings, "OPS", { mode: "sync", cursors: first.cursors });
    const search = jira.requests.entries.find(
      (e) => /\/search/.test(e.path) && /updated/.test(decodeURIComponent(e.path)),
    );
    const jql = new URL(`http://x${search!.path}`).searchParams.get("jql");
    expect(jql).toMatch(/^project = "OPS" AND updated >= \d{13} ORDER BY updated ASC, key ASC$/);
  });

  it("reports a project it cannot browse as not found, naming JIRA_PROJECTS", async () => {
    const missing = pullAll(quickJira, settingsFor(jira), "NOPE");
    await expect(missing).rejects.toBeInstanceOf(ConnectorError);
    await expect(missing).rejects.toMatchObject({
      kind: "not_found",
      message: expect.stringMatching(/JIRA_PROJECTS/),
    });
  });
});

describe("Jira pull cursors", () => {
  it("backfills from --since, and reads further back when a later backfill asks", async () => {
    const data = buildSite("cloud");
    const jira = await startJiraSandbox(data);
    try {
      const settings = settingsFor(jira);
      const since = new Date(data.issue("PROJ-3").updated - 1);
      const recent = await pullAll(quickJira, settings, "PROJ", { since });
      const keysOf = (pages: Awaited<ReturnType<typeof pullAll>>["pages"]) =>
        recordsOf(pages)
          .filter((r) => r.type === "issue")
          .map((r) => quickJira.map(r).tasks![0]!.key);
      expect(keysOf(recent.pages)).toEqual(["PROJ-4", "PROJ-3"]);
      // Only the older part is read: from the old lower bound's minute down, newest first.
      const all = await pullAll(quickJira, settings, "PROJ", { cursors: recent.cursors });
      expect(keysOf(all.pages).filter((k) => k !== "PROJ-3")).toEqual(["PROJ-2", "PROJ-1"]);
      const resumed = await pullAll(quickJira, settings, "PROJ", { cursors: all.cursors });
      expect(keysOf(resumed.pages)).toEqual([]);
    } finally {
      await jira.close();
    }
  });

  it("drops an issue moved to another project without a tombstone; the other project brings it", async () => {
    const data = buildSite("cloud");
    const jira = await startJiraSandbox(data);
    try {
      const settings = settingsFor(jira);
      const proj = await pullAll(quickJira, settings, "PROJ");
      const ops = await pullAll(quickJira, settings, "OPS");
      data.advance(60_000);
      const moved = data.moveIssue("PROJ-4", "OPS", { by: "ana" });
      data.advance(60_000);
      data.deleteIssue("PROJ-3");
      const projAgain = await pullAll(quickJira, settings, "PROJ", { mode: "sync", cursors: proj.cursors });
      // A first 404 may be a permission change: the tombstone waits for a second one in the next pass.
      expect(projAgain.pages.flatMap((p) => p.deletions ?? [])).toEqual([]);
      const projThird = await pullAll(quickJira, settings, "PROJ", {
        mode: "sync",
        cursors: projAgain.cursors,
      });
      expect(projThird.pages.flatMap((p) => p.deletions ?? [])).toEqual([
        { type: "task", externalId: data.deletions[0]!.id, at: null },
      ]);
      const opsAgain = await pullAll(quickJira, settings, "OPS", { mode: "sync", cursors: ops.cursors });
      const tasks = recordsOf(opsAgain.pages).flatMap((r) => quickJira.map(r).tasks ?? []);
      expect(tasks.map((t) => [t.key, t.externalId])).toEqual([["OPS-2", moved.id]]);
    } finally {
      await jira.close();
    }
  });

  it("keeps an issue that answers 404 for one pass only (a passing permission change)", async () => {
    const data = buildSite("cloud");
    const jira = await startJiraSandbox(data);
    try {
      const settings = settingsFor(jira);
      const first = await pullAll(quickJira, settings, "PROJ");
      data.hiddenIssues.add("PROJ-3");
      const hidden = await pullAll(quickJira, settings, "PROJ", { mode: "sync", cursors: first.cursors });
      expect(hidden.pages.flatMap((p) => p.deletions ?? [])).toEqual([]);
      data.hiddenIssues.delete("PROJ-3");
      const back = await pullAll(quickJira, settings, "PROJ", { mode: "sync", cursors: hidden.cursors });
      expect(back.pages.flatMap((p) => p.deletions ?? [])).toEqual([]);
      // A later single 404 again starts from one.
      data.hiddenIssues.add("PROJ-3");
      const again = await pullAll(quickJira, settings, "PROJ", { mode: "sync", cursors: back.cursors });
      expect(again.pages.flatMap((p) => p.deletions ?? [])).toEqual([]);
    } finally {
      await jira.close();
    }
  });

  it.each(["cloud", "datacenter"] as const)(
    "misses no issue when one is updated between two pages of the newest-first walk (%s)",
    async (deployment) => {
      const data = buildSite(deployment);
      const jira = await startJiraSandbox(data);
      try {
        const connector = createJiraConnector({
          pageSizes: { cloudSearch: 2, dcSearch: 2, dcChangelogSearch: 2 },
        });
        const settings = settingsFor(jira);
        const walk = await pullAll(connector, settings, "PROJ", {
          onPage: (_page, index) => {
            if (index > 0) return;
            // PROJ-1, not read yet, now sorts first: the walk's next offset page starts one issue later.
            data.advance(60_000);
            data.addComment("PROJ-1", { author: "ana", body: "A late update while the pages are read." });
          },
        });
        const keysOf = (pages: typeof walk.pages) =>
          recordsOf(pages)
            .filter((r) => r.type === "issue")
            .map((r) => connector.map(r).tasks![0]!.key);
        // Changed after the walk began: newer than its forward mark, so the first incremental pass has it.
        const next = await pullAll(connector, settings, "PROJ", { mode: "sync", cursors: walk.cursors });
        const keys = [...keysOf(walk.pages), ...keysOf(next.pages)];
        expect(new Set(keys)).toEqual(new Set(["PROJ-1", "PROJ-2", "PROJ-3", "PROJ-4"]));
        expect(keysOf(walk.pages).filter((k) => k === "PROJ-3")).toHaveLength(1);
        expect(keysOf(next.pages)).toContain("PROJ-1");
      } finally {
        await jira.close();
      }
    },
  );

  it.each(["cloud", "datacenter"] as const)(
    "resumes a newest-first walk stopped after a page below that page, and says how far back it has read (%s)",
    async (deployment) => {
      const data = buildSite(deployment);
      const jira = await startJiraSandbox(data);
      try {
        const connector = createJiraConnector({
          pageSizes: { cloudSearch: 2, dcSearch: 2, dcChangelogSearch: 2 },
        });
        const settings = settingsFor(jira);
        const keysOf = (pages: Awaited<ReturnType<typeof pullAll>>["pages"]) =>
          recordsOf(pages)
            .filter((r) => r.type === "issue")
            .map((r) => connector.map(r).tasks![0]!.key);
        const first = await pullAll(connector, settings, "PROJ", { stopAfter: 1 });
        expect(keysOf(first.pages)).toEqual(["PROJ-4", "PROJ-3"]);
        expect(first.pages[0]!.readBackTo).toBe(new Date(data.issue("PROJ-3").updated).toISOString());
        jira.requests.clear();
        const rest = await pullAll(connector, settings, "PROJ", { cursors: first.cursors });
        expect(keysOf(rest.pages)).toEqual(["PROJ-2", "PROJ-1"]);
        // The last page of the walk ends it: the scope is read, nothing is said of how far.
        expect(rest.pages.at(-1)!.readBackTo).toBeUndefined();
        const jql = jira.requests.entries
          .filter((e) => /\/search/.test(e.path) && /jql=/.test(e.path))
          .map((e) => new URL(`http://x${e.path}`).searchParams.get("jql"));
        expect(jql[0]).toMatch(/^project = "PROJ" AND updated < \d{13} ORDER BY updated DESC, key DESC$/);
        // Nothing new: the next pass reads forward from the mark the walk's first page fixed.
        const sync = await pullAll(connector, settings, "PROJ", { mode: "sync", cursors: rest.cursors });
        expect(keysOf(sync.pages)).toEqual([]);
      } finally {
        await jira.close();
      }
    },
  );

  it("sends a Data Center personal access token as a bearer token", async () => {
    const jira = await startJiraSandbox(buildSite("datacenter"));
    try {
      const settings = settingsFor(jira, { JIRA_EMAIL: "", JIRA_DEPLOYMENT: "datacenter" });
      const { pages } = await pullAll(quickJira, settings, "OPS");
      expect(recordsOf(pages).filter((r) => r.type === "issue")).toHaveLength(1);
      expect(jira.requests.count({ path: /serverInfo/ })).toBe(0);
    } finally {
      await jira.close();
    }
  });
});

describe("Jira request efficiency", () => {
  it("backfills 400 issues with 4,000 comments within 1.1 times the minimum of requests", async () => {
    const data = buildBulkJiraDataset({ issues: 400, comments: 4000 });
    const jira = await startJiraSandbox(data);
    try {
      const settings = settingsFor(jira, { JIRA_PROJECTS: "BULK" });
      const { pages } = await pullAll(quickJira, settings, "BULK");
      expect(recordsOf(pages).filter((r) => r.type === "comment")).toHaveLength(4000);
      const issues = [...data.issues.values()];
      const minimum =
        Math.ceil(issues.length / 100) +
        issues
          .filter((i) => i.comments.length > 20)
          .reduce((n, i) => n + Math.ceil(i.comments.length / 5000), 0) +
        Math.ceil(
          issues.filter((i) => i.histories.length > 40).reduce((n, i) => n + i.histories.length, 0) / 1000,
        );
      expect(jira.requests.entries.length).toBeLessThanOrEqual(Math.floor(minimum * 1.1));
    } finally {
      await jira.close();
    }
  });
});

describe("Jira Data Center pages", () => {
  it("asks for 100 issues a page when each carries its histories, and reads every issue", async () => {
    const data = buildBulkJiraDataset({ issues: 250, comments: 250, deployment: "datacenter" });
    const jira = await startJiraSandbox(data);
    try {
      const settings = settingsFor(jira, { JIRA_PROJECTS: "BULK", JIRA_DEPLOYMENT: "datacenter" });
      const { pages } = await pullAll(quickJira, settings, "BULK");
      expect(recordsOf(pages).filter((r) => r.type === "issue")).toHaveLength(250);
      // 250 issues at 100 a page; a page of 1,000 would have been one request.
      const searches = jira.requests.entries.filter((e) =>
        /\/rest\/api\/2\/search\?.*expand=changelog/.test(e.path),
      );
      expect(searches).toHaveLength(3);
      expect(searches.every((e) => /[?&]maxResults=100(&|$)/.test(e.path))).toBe(true);
    } finally {
      await jira.close();
    }
  });
});

describe("Jira changelogs on Cloud", () => {
  it("reads the histories of every issue a search page truncated in one bulk request, status only", async () => {
    const data = buildSite("cloud");
    const busy = ["PROJ-1", "PROJ-3", "PROJ-4"];
    for (const key of busy) {
      for (let i = 0; i < 45; i++) {
        data.advance(60_000);
        data.transition(key, i % 2 ? "To Do" : "In Progress", { by: "ana" });
      }
    }
    const jira = await startJiraSandbox(data);
    try {
      const { pages } = await pullAll(quickJira, settingsFor(jira), "PROJ");
      const histories = recordsOf(pages).filter((r) => r.type === "history");
      for (const key of ["PROJ-1", "PROJ-2", "PROJ-3", "PROJ-4"]) {
        const expected = data.issue(key).histories.filter((h) => h.items.some((i) => i.fieldId === "status"));
        expect(histories.filter((r) => r.context?.issueKey === key)).toHaveLength(expected.length);
      }
      const bulk = jira.requests.entries.filter((e) => /\/changelog\/bulkfetch$/.test(e.path));
      expect(bulk).toHaveLength(1);
      expect(jira.requests.count({ path: /\/issue\/[^/]+\/changelog/ })).toBe(0);
    } finally {
      await jira.close();
    }
  });

  it("trusts embedded histories that are all of them, and asks for nothing more", async () => {
    const data = buildSite("cloud");
    const jira = await startJiraSandbox(data);
    try {
      await pullAll(quickJira, settingsFor(jira), "OPS");
      expect(jira.requests.count({ path: /\/changelog/ })).toBe(0);
    } finally {
      await jira.close();
    }
  });
});

describe("Jira behind Atlassian's API gateway", () => {
  it("links to the site's own address, not to api.atlassian.com/ex/jira/<cloudId>", async () => {
    const data = new JiraDataset({ siteUrl: "https://acme.atlassian.net" });
    data.addUser("ana", { displayName: "Ana Lima" }).addProject("PROJ", "Client portal");
    const issue = data.addIssue({ project: "PROJ", summary: "Login fails", reporter: "ana" });
    data.addComment(issue.key, { author: "ana", body: "Looking into it." });
    data.transition(issue.key, "In Progress", { by: "ana" });
    const jira = await startJiraSandbox(data);
    try {
      const settings = settingsFor(jira, {
        JIRA_BASE_URL: `${jira.url}/ex/jira/${data.cloudId}`,
        JIRA_PROJECTS: "PROJ",
      });
      const { pages } = await pullAll(quickJira, settings, "PROJ");
      const mapped = recordsOf(pages).map((r) => quickJira.map(r));
      const urls = mapped.flatMap((m) => [...(m.tasks ?? []), ...(m.items ?? [])].map((x) => x.url));
      expect(urls.length).toBeGreaterThanOrEqual(3);
      for (const url of urls) expect(url).toMatch(/^https:\/\/acme\.atlassian\.net\/browse\/PROJ-1\b/);
    } finally {
      await jira.close();
    }
  });
});

describe("Jira scopes", () => {
  it("lists every project the account can browse when JIRA_PROJECTS is empty", async () => {
    for (const deployment of ["cloud", "datacenter"] as const) {
      const data = buildSite(deployment);
      data.hiddenProjects.add("OPS");
      const jira = await startJiraSandbox(data);
      try {
        const settings = settingsFor(jira, { JIRA_PROJECTS: "" });
        const scopes = await quickJira.listScopes(settings, {
          signal: new AbortController().signal,
          report: recordingReporter(),
        });
        expect(scopes).toEqual(["PROJ"]);
      } finally {
        await jira.close();
      }
    }
  });
});
