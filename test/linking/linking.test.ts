import { describe, expect, it } from "vitest";
import {
  compileLinkContext,
  extractJiraKeys,
  findLinks,
  isStrongerRule,
  type Link,
  type LinkCandidate,
  type LinkContext,
  resolveLinks,
} from "../../src/linking/index.ts";
import { LINK_RULES, type LinkRule } from "../../src/model/kinds.ts";
import { CASES, CONTEXT } from "./cases.ts";

/** Links as a key → rule record, failing on a key linked twice. */
function asRecord(links: Link[]): Record<string, LinkRule> {
  const record: Record<string, LinkRule> = {};
  for (const link of links) {
    expect(record[link.taskKey], `${link.taskKey} linked twice`).toBeUndefined();
    record[link.taskKey] = link.rule;
  }
  return record;
}

describe("findLinks on real-looking texts", () => {
  it("has a large table with distinct names and many negatives", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.filter((c) => Object.keys(c.links).length === 0).length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES.map((c) => [c.name, c]))("%s", (_name, c) => {
    expect(asRecord(findLinks(c.item, CONTEXT))).toEqual(c.links);
  });

  it("gives the same answers with a compiled context, in any order and repeated", () => {
    const compiled = compileLinkContext(CONTEXT);
    for (const c of [...CASES].reverse()) {
      expect(asRecord(findLinks(c.item, compiled)), c.name).toEqual(c.links);
      expect(asRecord(findLinks(c.item, compiled)), c.name).toEqual(c.links);
    }
  });
});

const slack = (text: string): LinkCandidate => ({ source: "slack", kind: "chat_message", text });

describe("resolveLinks: thread inheritance", () => {
  const threadLinks: Link[] = [
    { taskKey: "FAL-12", rule: "jira_key" },
    { taskKey: "acme/api#5", rule: "github_url" },
  ];

  it("a keyless Slack reply inherits its thread's links with rule thread", () => {
    expect(resolveLinks(slack("thanks, on it 👍"), CONTEXT, threadLinks)).toEqual([
      { taskKey: "FAL-12", rule: "thread" },
      { taskKey: "acme/api#5", rule: "thread" },
    ]);
  });

  it("a keyless Teams reply inherits too", () => {
    const reply: LinkCandidate = { source: "teams", kind: "chat_message", text: "Agreed, let's ship Friday" };
    expect(asRecord(resolveLinks(reply, CONTEXT, [{ taskKey: "OPS-4", rule: "jira_url" }]))).toEqual({
      "OPS-4": "thread",
    });
  });

  it("direct links win over the thread's", () => {
    expect(resolveLinks(slack("actually this is OPS-4, not the login bug"), CONTEXT, threadLinks)).toEqual([
      { taskKey: "OPS-4", rule: "jira_key" },
    ]);
  });

  it("a source parent is a direct link: a Jira comment never inherits", () => {
    const comment: LinkCandidate = { source: "jira", kind: "comment", text: "ok", parentTaskKey: "FAL-3" };
    expect(resolveLinks(comment, CONTEXT, threadLinks)).toEqual([
      { taskKey: "FAL-3", rule: "source_parent" },
    ]);
  });

  it("an email in an In-Reply-To chain inherits with rule email_thread", () => {
    // The sync engine passes the direct links of the messages this one answers (In-Reply-To, References).
    const root: LinkCandidate = {
      source: "gmail",
      kind: "email",
      title: "[FAL-12] Login broken on Safari",
      text: "Hi, the login page loops on Safari 17.",
    };
    const reply: LinkCandidate = {
      source: "gmail",
      kind: "email",
      title: "Re: Login broken on Safari",
      text: "Any update?\n\nOn Tue, Anna wrote:\n> Hi, the login page loops on Safari 17.",
    };
    const rootLinks = findLinks(root, CONTEXT);
    expect(rootLinks).toEqual([{ taskKey: "FAL-12", rule: "jira_key" }]);
    expect(resolveLinks(reply, CONTEXT, rootLinks)).toEqual([{ taskKey: "FAL-12", rule: "email_thread" }]);
  });

  it("inherited links are one per task, whatever rules and duplicates the thread had", () => {
    const noisy: Link[] = [
      { taskKey: "FAL-12", rule: "pull_request_title" },
      { taskKey: "FAL-12", rule: "source_parent" },
      { taskKey: "OPS-1", rule: "manual" },
      { taskKey: "OPS-1", rule: "thread" },
    ];
    expect(asRecord(resolveLinks(slack("+1"), CONTEXT, noisy))).toEqual({
      "FAL-12": "thread",
      "OPS-1": "thread",
    });
  });

  it("no direct links and no thread: nothing", () => {
    expect(resolveLinks(slack("lunch?"), CONTEXT, [])).toEqual([]);
  });

  it("with direct links and an empty thread: the direct links", () => {
    expect(resolveLinks(slack("FAL-12"), CONTEXT, [])).toEqual([{ taskKey: "FAL-12", rule: "jira_key" }]);
  });
});

describe("rule precedence", () => {
  it("orders every rule: source_parent > url > key/ref > branch > PR title > thread", () => {
    const order: LinkRule[][] = [
      ["manual"],
      ["source_parent"],
      ["jira_url", "github_url"],
      ["jira_key", "github_ref"],
      ["branch_name"],
      ["pull_request_title"],
      ["thread", "email_thread"],
    ];
    expect(order.flat().sort()).toEqual([...LINK_RULES].sort());
    for (let i = 0; i < order.length; i++) {
      for (const a of order[i]!) {
        for (const b of order[i]!) expect(isStrongerRule(a, b), `${a} vs ${b}`).toBe(false);
        for (const weaker of order.slice(i + 1).flat()) {
          expect(isStrongerRule(a, weaker), `${a} > ${weaker}`).toBe(true);
          expect(isStrongerRule(weaker, a), `${weaker} < ${a}`).toBe(false);
        }
      }
    }
  });

  it("keeps the strongest rule per key whatever the order the sources were read in", () => {
    const item: LinkCandidate = {
      source: "github",
      kind: "pull_request",
      repo: "acme/api",
      title: "FAL-12 OPS-1 FAL-2 login",
      branch: "feature/FAL-12-OPS-1-login",
      text: "FAL-12, see https://acme.atlassian.net/browse/FAL-12 and #5",
      url: "https://github.com/acme/api/pull/5",
      parentTaskKey: "OPS-1",
    };
    expect(asRecord(findLinks(item, CONTEXT))).toEqual({
      "OPS-1": "source_parent",
      "acme/api#5": "github_url",
      "FAL-12": "jira_url",
      "FAL-2": "pull_request_title",
    });
  });

  it("a key named by its source parent is not linked twice", () => {
    const item: LinkCandidate = {
      source: "github",
      kind: "pull_request",
      repo: "acme/api",
      ownTaskKey: "acme/api#5",
      parentTaskKey: "acme/api#5",
      url: "https://github.com/acme/api/pull/5",
      text: "Follow-up to #5, see acme/api#5",
    };
    expect(findLinks(item, CONTEXT)).toEqual([{ taskKey: "acme/api#5", rule: "source_parent" }]);
  });
});

describe("contexts", () => {
  it("an empty context links only what the source says", () => {
    const empty: LinkContext = { jiraProjects: [], jiraSiteUrls: [], githubRepos: [], githubWebUrls: [] };
    const item: LinkCandidate = {
      source: "jira",
      kind: "comment",
      parentTaskKey: "FAL-1",
      repo: "acme/api",
      branch: "12-fix",
      text: "FAL-2 #3 acme/api#4 https://acme.atlassian.net/browse/FAL-5 https://github.com/acme/api/pull/6",
    };
    expect(findLinks(item, empty)).toEqual([{ taskKey: "FAL-1", rule: "source_parent" }]);
  });

  it("reads a Data Center base with a context path and a GitHub Enterprise root", () => {
    const ctx: LinkContext = {
      jiraProjects: ["core"],
      jiraSiteUrls: ["https://jira.acme.corp/jira/"],
      githubRepos: ["Platform/Infra"],
      githubWebUrls: ["https://ghe.acme.corp"],
    };
    const text =
      "https://jira.acme.corp/jira/browse/CORE-9 https://jira.acme.corp/browse/CORE-10 " +
      "https://ghe.acme.corp/platform/infra/pull/77 https://github.com/platform/infra/pull/78 core-11";
    expect(asRecord(findLinks(slack(text), ctx))).toEqual({
      "CORE-9": "jira_url",
      "Platform/Infra#77": "github_url",
      "CORE-11": "jira_key",
    });
  });

  it("skips configured values that cannot be keys or repositories", () => {
    const ctx: LinkContext = {
      jiraProjects: ["FAL OPS", "", "OPS", "9X"],
      jiraSiteUrls: [""],
      githubRepos: ["not a repo", "acme/api"],
      githubWebUrls: ["https://github.com/"],
    };
    expect(asRecord(findLinks(slack("OPS-1 FAL-2 9X-3 acme/api#4"), ctx))).toEqual({
      "OPS-1": "jira_key",
      "acme/api#4": "github_ref",
    });
  });

  it("compiles a plain context once and hands back a compiled one as it is", () => {
    const compiled = compileLinkContext(CONTEXT);
    expect(compileLinkContext(CONTEXT)).toBe(compiled);
    expect(compileLinkContext(compiled)).toBe(compiled);
    expect(compiled.toTaskKey("acme/WEB-APP#007")).toBe("acme/Web-App#7");
    expect(compiled.toTaskKey("ops-4")).toBe("OPS-4");
    expect(compiled.toTaskKey("other/repo#4")).toBe("other/repo#4");
  });
});

describe("extractJiraKeys", () => {
  it("returns the distinct keys of the given projects in order, upper-cased", () => {
    expect(extractJiraKeys("ops-2 then FAL-12, [FAL-12] and OPS-2; ABC-1 UTF-8", ["FAL", "OPS"])).toEqual([
      "OPS-2",
      "FAL-12",
    ]);
  });

  it("leaves out keys inside addresses and with no projects finds nothing", () => {
    expect(extractJiraKeys("https://acme.atlassian.net/browse/FAL-1 FAL-2", ["fal"])).toEqual(["FAL-2"]);
    expect(extractJiraKeys("FAL-1", [])).toEqual([]);
  });

  it("follows a change of projects between calls", () => {
    expect(extractJiraKeys("FAL-1 OPS-2", ["FAL"])).toEqual(["FAL-1"]);
    expect(extractJiraKeys("FAL-1 OPS-2", ["OPS"])).toEqual(["OPS-2"]);
  });
});
