import { describe, expect, it } from "vitest";
import type { MappedItem } from "../../connectors/types.ts";
import { createLinker } from "../../src/sync/linker.ts";
import { involvesOutsider, isWorkMail, toAddresses } from "../../src/sync/work-mail.ts";

const email = (meta: MappedItem["meta"], text = ""): MappedItem => ({
  externalId: "m1",
  kind: "email",
  author: null,
  at: new Date("2026-03-02T08:00:00Z"),
  text,
  url: null,
  threadId: "t1",
  meta,
  parentTaskKey: null,
  editedAt: null,
});

const TEAM = ["team.example"];
const linker = createLinker({ jiraProjects: ["ACME"], jiraSiteUrls: [], githubRepos: [], githubWebUrls: [] });

describe("what a connected mailbox keeps", () => {
  it("reads addresses from header values and lists", () => {
    expect(toAddresses('"Diaz, Carla" <Carla@Northwind.example>')).toEqual(["carla@northwind.example"]);
    expect(toAddresses(["ana@team.example", "Ben <ben@team.example>"])).toEqual([
      "ana@team.example",
      "ben@team.example",
    ]);
    expect(toAddresses(undefined)).toEqual([]);
  });

  it.each([
    ["a client wrote", { from: "carla@northwind.example", to: ["ben@team.example"] }, "", true],
    [
      "a client is copied",
      { from: "ana@team.example", to: ["ben@team.example"], cc: ["c@x.example"] },
      "",
      true,
    ],
    [
      "a subdomain of the team's is the team",
      { from: "ops@eu.team.example", to: ["ben@team.example"] },
      "",
      false,
    ],
    [
      "only the team, naming a task",
      { from: "ana@team.example", to: ["ben@team.example"], subject: "ACME-7" },
      "",
      true,
    ],
    [
      "only the team, naming nothing",
      { from: "ana@team.example", to: ["ben@team.example"], subject: "Dinner" },
      "Friday?",
      false,
    ],
  ] satisfies Array<[string, MappedItem["meta"], string, boolean]>)("%s", (_what, meta, text, kept) => {
    expect(isWorkMail(email(meta, text), linker, TEAM)).toBe(kept);
  });

  it("counts nobody as outside when the team's domains are unknown", () => {
    expect(involvesOutsider(email({ from: "carla@northwind.example" }), [])).toBe(false);
  });
});
