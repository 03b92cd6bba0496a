/**
 * The web view's pure parts: the search syntax, thread nesting, display sanitising, anchors, the short cache,
 * the stored form of a session id.
 */
import { describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { toItemAnchor, toSafeUrl } from "../../src/web/format.ts";
import { sanitizeEmailForDisplay } from "../../src/web/sanitize.ts";
import { parseInboxSearch, toSearchText } from "../../src/web/search-syntax.ts";
import { hashSessionId, toLocalPath } from "../../src/web/session.ts";
import { shortLived } from "../../src/web/short-lived.ts";
import { toThreadTree } from "../../src/web/thread-tree.ts";

describe("search syntax", () => {
  it.each([
    [
      "kind:stale person:ana source:slack project:FAL is:muted",
      { kinds: ["stale"], people: ["ana"], sources: ["slack"], projects: ["FAL"], is: ["muted"], text: "" },
    ],
    ["invoice totals kind:no-owner", { kinds: ["no_owner"], text: "invoice totals" }],
    ['person:"Ana Lima" "exact words"', { people: ["Ana Lima"], text: '"exact words"' }],
    ["KIND:Stale Source:GitHub", { kinds: ["stale"], sources: ["github"] }],
    ["project:acme/portal url:http://x", { projects: ["acme/portal"], text: "url:http://x" }],
  ])("reads %s", (input, expected) => {
    expect(parseInboxSearch(input, listSources())).toMatchObject({ problems: [], ...expected });
  });

  it("reports values it does not know instead of dropping them silently", () => {
    expect(parseInboxSearch("kind:late source:fax is:", listSources()).problems).toEqual([
      expect.stringMatching(/^kind:late is not one of/),
      expect.stringMatching(/^source:fax is not one of/),
      "is: needs a value",
    ]);
  });

  it("prints a search back as it reads it", () => {
    const s = parseInboxSearch(
      'kind:stale person:"Ana Lima" source:slack project:FAL is:done words here',
      listSources(),
    );
    expect(parseInboxSearch(toSearchText(s), listSources())).toEqual(s);
  });
});

describe("thread nesting", () => {
  const item = (id: string, at: string, source = "slack", threadId: string | null = null) => ({
    id,
    at,
    source,
    threadId,
  });
  it("puts replies under the thread's first item and keeps the rest in time order", () => {
    const tree = toThreadTree([
      item("c", "2025-01-03", "slack", "t1"),
      item("a", "2025-01-01", "slack", "t1"),
      item("b", "2025-01-02", "jira"),
      item("d", "2025-01-04", "gmail", "t1"),
      item("e", "2025-01-05", "slack", "t1"),
    ]);
    expect(tree.map((n) => [n.item.id, n.replies.map((r) => r.id)])).toEqual([
      ["a", ["c", "e"]],
      ["b", []],
      ["d", []],
    ]);
  });
});

describe("display sanitising", () => {
  it("keeps the message, drops what runs or escapes its box, holds images back", () => {
    const out = sanitizeEmailForDisplay(
      `<p style="position:fixed" onclick="x()">Hi <b>Dan</b></p><script>x()</script><style>p{}</style>` +
        `<a href="javascript:x()">bad</a><a href="https://ok.example">ok</a><img src="https://img.example/a.png" onerror="x()"><img src="http://plain.example/b.png">`,
    );
    expect(out).toBe(
      `<p>Hi <b>Dan</b></p><a rel="noopener noreferrer nofollow" target="_blank">bad</a><a href="https://ok.example" rel="noopener noreferrer nofollow" target="_blank">ok</a>` +
        `<img alt="image" data-src="https://img.example/a.png" /><img alt="image" />`,
    );
  });

  it("links only http(s) and keeps redirects on this site", () => {
    expect(toSafeUrl("javascript:alert(1)")).toBeNull();
    expect(toSafeUrl("https://x.example/a")).toBe("https://x.example/a");
    expect(toLocalPath("//evil.example")).toBe("/");
    expect(toLocalPath("/\\evil.example")).toBe("/");
    expect(toLocalPath("https://evil.example")).toBe("/");
    expect(toLocalPath("/tasks/A-1?x=1")).toBe("/tasks/A-1?x=1");
    // A dot segment, plain or encoded, must not leave a protocol-relative `//host` behind.
    expect(toLocalPath("/.//evil.example")).toBe("/");
    expect(toLocalPath("/%2e//evil.example/x")).toBe("/");
    expect(toLocalPath("/./\\evil.example")).toBe("/");
    expect(toLocalPath("/tasks/../inbox?view=team#top")).toBe("/inbox?view=team#top");
  });

  it("gives every item id its own anchor", () => {
    expect(toItemAnchor("slack:C1/17.0001")).toMatch(/^item-[A-Za-z0-9_-]+$/);
    expect(toItemAnchor("a:b")).not.toBe(toItemAnchor("a_b"));
  });
});

describe("shortLived", () => {
  it("shares a load while it is fresh, forgets failures, and clears", async () => {
    const cache = shortLived<number>(60_000);
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get("a", load), cache.get("a", load)])).toEqual([1, 1]);
    expect(await cache.get("b", load)).toBe(2);
    await expect(cache.get("c", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("c", load)).toBe(3);
    cache.clear();
    expect(await cache.get("a", load)).toBe(4);
    const stale = shortLived<number>(0);
    expect([await stale.get("a", load), await stale.get("a", load)]).toEqual([5, 6]);
  });
});

describe("session ids", () => {
  it("are stored as their SHA-256 in hex, so the sessions an earlier version saved are still found", async () => {
    // The standard's test vector (FIPS 180-2, "abc").
    expect(await hashSessionId("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
