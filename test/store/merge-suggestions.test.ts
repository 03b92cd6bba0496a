import { expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import { dismissMergeSuggestion, loadMergeSuggestions } from "../../src/store/merge-suggestions.ts";
import { describeEachDatabase } from "../helpers/databases.ts";
import { FIXTURE_TIME, fixtures } from "../helpers/fixtures.ts";

const SETTINGS = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: "acme.io" }, listSources());

describeEachDatabase("loadMergeSuggestions", (ctx) => {
  it("pairs a team member's full name with the one other account carrying it, until dismissed", async () => {
    const f = fixtures(ctx.db);
    const dana = await f.person({ name: "Dana Ruiz", email: "dana@acme.io" });
    await f.identity({
      source: "jira",
      externalId: "acc-dana",
      personId: dana.id,
      displayName: "Dana Ruiz",
      email: "dana@acme.io",
    });
    const gh = await f.person({ name: "dana-r", email: null });
    await f.identity({
      source: "github",
      externalId: "12",
      handle: "dana-r",
      personId: gh.id,
      displayName: "DANA   Rúiz",
      emails: ["dr@home.example"],
    });
    // A first name alone, and a name two other people carry, say too little.
    const eli = await f.person({ name: "Eli", email: "eli@acme.io" });
    await f.identity({ source: "jira", externalId: "acc-eli", personId: eli.id, displayName: "Eli" });
    await f.identity({
      source: "slack",
      externalId: "U0ELI",
      personId: (await f.person({ name: "Eli", email: null })).id,
      displayName: "Eli",
    });
    const kim = await f.person({ name: "Kim Park", email: "kim@acme.io" });
    await f.identity({ source: "jira", externalId: "acc-kim", personId: kim.id, displayName: "Kim Park" });
    for (const id of ["U0KIM1", "U0KIM2"])
      await f.identity({
        source: "slack",
        externalId: id,
        personId: (await f.person({ name: "Kim Park", email: null })).id,
        displayName: "Kim Park",
      });

    const suggestions = await loadMergeSuggestions(ctx.db, SETTINGS);
    expect(suggestions).toEqual([
      {
        name: "DANA   Rúiz",
        member: {
          person: { id: dana.id, name: "Dana Ruiz", email: "dana@acme.io" },
          identities: [
            { source: "jira", account: "acc-dana", displayName: "Dana Ruiz", email: "dana@acme.io" },
          ],
        },
        other: {
          person: { id: gh.id, name: "dana-r", email: null },
          identities: [{ source: "github", account: "dana-r", displayName: "DANA   Rúiz", email: null }],
        },
      },
    ]);
    expect(await dismissMergeSuggestion(ctx.db, { a: gh.id, b: dana.id, by: "web", now: FIXTURE_TIME })).toBe(
      true,
    );
    expect(await loadMergeSuggestions(ctx.db, SETTINGS)).toEqual([]);
    expect(
      await dismissMergeSuggestion(ctx.db, { a: gh.id, b: "p_nobody", by: "web", now: FIXTURE_TIME }),
    ).toBe(false);
  });
});
