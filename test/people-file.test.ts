import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config.ts";
import { parsePeopleFile } from "../src/model/people-file.ts";
import { freePort, runCli, tempDir } from "./helpers/cli.ts";

const errorOf = (people: unknown): string => {
  try {
    parsePeopleFile({ people });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("parsed");
};

describe("the people file", () => {
  it("reads each entry, lower-casing emails, and is empty when absent", () => {
    expect(parsePeopleFile(undefined)).toEqual([]);
    expect(parsePeopleFile({ flags: {} })).toEqual([]);
    expect(
      parsePeopleFile({
        people: [
          {
            email: "Dana@Acme.io",
            github: "dana-r",
            slack: "U024BE7LH",
            jira: "5b10a2844c20165700ede21g",
            teams: "4562bcc8-c436-4f95-b7c0-4f8ce89dca5e",
            emails: ["dana.r@Gmail.com"],
          },
          { email: "ben@acme.io", github: "583231" },
        ],
      }),
    ).toEqual([
      {
        email: "dana@acme.io",
        github: "dana-r",
        slack: "U024BE7LH",
        jira: "5b10a2844c20165700ede21g",
        teams: "4562bcc8-c436-4f95-b7c0-4f8ce89dca5e",
        emails: ["dana.r@gmail.com"],
      },
      { email: "ben@acme.io", github: "583231" },
    ]);
  });

  it.each([
    [
      [{ email: "a@acme.io" }, { email: "dana@acme.io", slack: "dana" }],
      'people[1] (dana@acme.io): "slack" must be a Slack user id',
    ],
    [[{ github: "dana" }], 'people[0]: "email" must be an email address'],
    [[{ email: "not-an-address" }], 'people[0] (not-an-address): "email" must be an email address'],
    [
      [{ email: "a@acme.io", github: "-bad-login-" }],
      'people[0] (a@acme.io): "github" must be a GitHub login or numeric account id',
    ],
    [[{ email: "a@acme.io", jira: "  " }], 'people[0] (a@acme.io): "jira" must be a Jira account id'],
    [
      [{ email: "a@acme.io", teams: "29:abc" }],
      'people[0] (a@acme.io): "teams" must be a Teams (Microsoft Entra ID) user id',
    ],
    [[{ email: "a@acme.io", emails: ["x"] }], 'people[0] (a@acme.io): "emails" must hold email addresses'],
    [[{ email: "a@acme.io", gitlab: "a" }], 'people[0] (a@acme.io): has unknown keys "gitlab"'],
    [
      [{ email: "a@acme.io" }, { email: "A@acme.io" }],
      "people[1] (a@acme.io): the email a@acme.io is claimed by people[0] too",
    ],
    [
      [
        { email: "a@acme.io", github: "Dana" },
        { email: "b@acme.io", github: "dana" },
      ],
      "people[1] (b@acme.io): the github account dana is claimed by people[0] too",
    ],
    [[{ email: "a@acme.io" }, "b@acme.io"], "people[1]: must be an object with an email"],
  ])("names the malformed entry in one line: %j", (people, message) => {
    const error = errorOf(people);
    expect(error).toContain(`[threadline] threadline.config.json: ${message}`);
    expect(error).not.toContain("\n");
  });

  it("must be a list", () => {
    expect(() => parsePeopleFile({ people: { email: "a@acme.io" } })).toThrow(/"people" must be a list/);
  });

  it("stops sync, relink, digest and serve at start with that one line", { timeout: 90_000 }, async () => {
    const cwd = await tempDir("threadline-people-file-");
    await writeFile(
      join(cwd, "threadline.config.json"),
      JSON.stringify({ people: [{ email: "ana@acme.io" }, { email: "dana@acme.io", slack: "dana" }] }),
    );
    const env = {
      THREADLINE_DATA_DIR: join(cwd, "data"),
      JIRA_BASE_URL: "http://127.0.0.1:9",
      JIRA_EMAIL: "a@acme.io",
      JIRA_API_TOKEN: "x",
      JIRA_PROJECTS: "PROJ",
    };
    const line =
      '[threadline] threadline.config.json: people[1] (dana@acme.io): "slack" must be a Slack user id\n';
    const runs = await Promise.all([
      runCli(["sync"], { cwd, env }),
      runCli(["relink"], { cwd, env }),
      runCli(["digest", "--dry-run"], { cwd, env }),
      runCli(["serve", "--port", String(await freePort())], { cwd, env }),
    ]);
    for (const run of runs) {
      expect(run.stderr).toBe(line);
      expect(run.code).toBe(2);
    }
  });
});
