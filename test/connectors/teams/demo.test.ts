/** The demo workspace's Teams side: it pulls cleanly through the connector and reads like a real project. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTeamsSandbox, type TeamsSandbox } from "../../../connectors/sandbox/teams/index.ts";
import { mapTeamsRecord } from "../../../connectors/teams/map.ts";
import { JIRA_DEMO_PROJECT } from "../../../src/demo/story/jira.ts";
import {
  buildTeamsDemoDataset,
  TEAMS_DEMO_CHANNELS,
  TEAMS_DEMO_REPO,
} from "../../../src/demo/story/teams.ts";
import { pullAll, recordsOf } from "../kit.ts";
import { quickTeams, settingsFor } from "./helpers.ts";

describe("Teams demo workspace", () => {
  let teams: TeamsSandbox;
  beforeAll(async () => {
    teams = await startTeamsSandbox(buildTeamsDemoDataset({ now: new Date("2026-03-02T08:00:00Z") }));
  });
  afterAll(() => teams.close());

  it("pulls both channels with nothing to warn about, guests marked, tasks named as people name them", async () => {
    const { connector, notices } = quickTeams();
    const channels = Object.values(TEAMS_DEMO_CHANNELS);
    const settings = settingsFor(teams, channels);
    const mapped = [];
    const deletions = [];
    for (const key of channels) {
      const { pages } = await pullAll(connector, settings, teams.data.scopeOf(key), {
        now: new Date("2026-03-02T08:00:00Z"),
      });
      mapped.push(...recordsOf(pages).map((r) => mapTeamsRecord(r)));
      deletions.push(...pages.flatMap((p) => p.deletions ?? []));
    }
    expect(notices.filter((n) => n.level === "warn")).toEqual([]);
    const texts = mapped.flatMap((m) => m.items ?? []).map((i) => i.text);
    expect(texts.filter((t) => t.includes(`${JIRA_DEMO_PROJECT}-`)).length).toBeGreaterThanOrEqual(8);
    expect(texts.some((t) => t.includes(`https://github.com/${TEAMS_DEMO_REPO}/pull/`))).toBe(true);
    expect(deletions).toHaveLength(1);
    const people = new Map(mapped.flatMap((m) => m.identities ?? []).map((p) => [p.displayName, p]));
    expect(people.get("Dan Miller (Acme)")).toMatchObject({
      isGuest: true,
      email: "dan.miller@acme-corp.example",
    });
    expect(people.get("Priya Nair (Acme IT)")).toMatchObject({ isGuest: true, email: null });
    expect(people.get("Maya Chen")).toMatchObject({ isGuest: false, email: "maya@demo.threadline.dev" });
    expect(people.get("GitHub")).toMatchObject({ isBot: true });
  });
});
