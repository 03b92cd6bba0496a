/**
 * One person everywhere, as a team connecting Jira and GitHub meets it: the real connectors against the
 * local Jira and GitHub servers, through the `sync` command's backfill, then `relink` and the digest's
 * `--out` files. Three teammates are on Jira with their work addresses; on GitHub Maya shows hers on her
 * profile, Tom's commits carry his, and Lena shows nothing. Maya and Tom become one person each at once; Lena
 * is a suggested merge until a click or a people-file line says so, and from then on her pull request reaches
 * her digest. The pull request Tom asked Maya to review is Maya's under "Waiting on you" and Tom's under
 * "Yours". Raj is only on GitHub, with a personal profile email: his digest goes to the team address his
 * commits carry.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listSources } from "../../connectors/registry.ts";
import {
  GithubDataset,
  type GithubSandbox,
  startGithubSandbox,
} from "../../connectors/sandbox/github/index.ts";
import {
  JiraDataset,
  type JiraSandbox,
  jiraSandboxEnv,
  startJiraSandbox,
} from "../../connectors/sandbox/jira/index.ts";
import { runDigestCommand } from "../../src/cli/commands/digest.ts";
import { runRelinkCommand } from "../../src/cli/commands/relink.ts";
import { runSyncCommand } from "../../src/cli/commands/sync.ts";
import { parseConfig } from "../../src/config.ts";
import { parseFlagSettings } from "../../src/flags/flag-settings.ts";
import type { Db } from "../../src/store/db.ts";
import { loadMergeSuggestions } from "../../src/store/merge-suggestions.ts";
import { openDatabase } from "../../src/store/open-database.ts";
import { mergePeople } from "../../src/store/people-merge.ts";
import { queryRows } from "../../src/store/rows.ts";
import { tempDir } from "../helpers/cli.ts";
import { createEmptyPostgresDatabase, TEST_DATABASE_KINDS } from "../helpers/databases.ts";

/** Thursday: Tom's and Lena's pull requests have waited three working days for their reviewers. */
const NOW = new Date("2026-03-12T08:00:00Z");
const DAY = "2026-03-12";
const TEAM = "acme.dev";

function buildJira(): JiraDataset {
  const jira = new JiraDataset({ now: "2026-03-02T09:00:00Z" });
  jira.addUser("maya", { displayName: "Maya Chen", email: "maya@acme.dev" });
  jira.addUser("tom", { displayName: "Tom Weber", email: "tom@acme.dev" });
  jira.addUser("lena", { displayName: "Lena Fischer", email: "lena@acme.dev" });
  jira.addProject("ACME", "Acme portal");
  jira.addIssue({
    project: "ACME",
    summary: "Rate-limit the login endpoint",
    reporter: "maya",
    assignee: "tom",
    status: "To Do",
    at: "2026-03-02T09:00:00Z",
  });
  jira.addIssue({
    project: "ACME",
    summary: "Audit log export",
    reporter: "maya",
    assignee: "lena",
    status: "To Do",
    at: "2026-03-02T09:30:00Z",
  });
  jira.setClock("2026-03-11T17:00:00Z");
  return jira;
}

function buildGithub(): GithubDataset {
  const github = new GithubDataset();
  github.setNow("2026-03-09T09:00:00Z");
  github.user("maya-c", { name: "Maya Chen", email: "maya@acme.dev" });
  github.user("tweber", { name: "Tom Weber", verifiedEmails: ["tom@acme.dev"], commitEmail: "tom@acme.dev" });
  github.user("lfischer", { name: "Lena Fischer" });
  // Only on GitHub: a personal profile email, and the team's address on his commits.
  github.user("rajp", {
    name: "Raj Patel",
    email: "raj.patel@fastmail.example",
    verifiedEmails: ["raj@acme.dev"],
    commitEmail: "raj@acme.dev",
  });
  const portal = github.repo("acme/portal");
  portal.pullRequest({
    title: "ACME-1: rate-limit the login endpoint",
    author: "tweber",
    head: "feature/ACME-1-rate-limit",
    requestedReviewers: ["maya-c"],
    createdAt: "2026-03-09T09:00:00Z",
  });
  portal.pullRequest({
    title: "ACME-2: audit log export",
    author: "lfischer",
    head: "feature/ACME-2-audit-export",
    requestedReviewers: ["tweber"],
    createdAt: "2026-03-09T12:00:00Z",
  });
  portal.pullRequest({
    title: "Cache the session lookup",
    author: "rajp",
    head: "cache-session",
    requestedReviewers: ["maya-c"],
    createdAt: "2026-03-09T15:00:00Z",
  });
  github.setNow("2026-03-11T17:00:00Z");
  return github;
}

const sink = () => {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      done();
    },
  });
  return { stream, text: () => text };
};

/** Each person's digest as its text part, by recipient. */
async function digestsOf(cwd: string, env: Record<string, string>): Promise<Map<string, string>> {
  const out = join(cwd, `digest-${Math.random().toString(36).slice(2)}`);
  const stdout = sink();
  const code = await runDigestCommand(
    { out, date: DAY },
    { env, stdout: stdout.stream, stderr: sink().stream, now: () => NOW, cwd },
  );
  expect(code, stdout.text()).toBe(0);
  const digests = new Map<string, string>();
  for (const file of await readdir(out)) {
    const mail = await simpleParser(await readFile(join(out, file), "utf8"));
    digests.set(file.replace(/\.eml$/, ""), mail.text ?? "");
  }
  return digests;
}

/** The text of one section of a digest's text part (up to the next capitalised heading). */
function section(text: string, heading: "YOURS" | "WAITING ON YOU"): string {
  const start = text.indexOf(heading);
  if (start < 0) return "";
  const rest = text.slice(start + heading.length);
  const next = rest.search(/\n[A-Z][A-Z ]{3,}[:(\n]/);
  return next < 0 ? rest : rest.slice(0, next);
}

const count = (text: string, what: string) => text.split(what).length - 1;

for (const kind of TEST_DATABASE_KINDS) {
  describe(`one person everywhere, from the sources to the digest [${kind}]`, { timeout: 180_000 }, () => {
    let github: GithubSandbox;
    let jira: JiraSandbox;
    let cwd: string;
    const drop = async () => {};
    const envs: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      github = await startGithubSandbox({ dataset: buildGithub() });
      jira = await startJiraSandbox(buildJira());
      cwd = await tempDir("threadline-one-person-");
    });
    afterAll(async () => {
      for (const close of envs) await close();
      await drop();
      await github?.close();
      await jira?.close();
      await rm(cwd, { recursive: true, force: true });
    });

    /** A workspace of its own: a database, a folder for its settings file, the environment of both sources. */
    async function workspace(name: string) {
      const dir = join(cwd, name);
      let database: Record<string, string>;
      if (kind === "postgres") {
        const empty = await createEmptyPostgresDatabase();
        envs.push(empty.drop);
        database = { DATABASE_URL: empty.url };
      } else {
        database = { THREADLINE_DATA_DIR: join(dir, "data") };
      }
      const env: Record<string, string> = {
        ...database,
        ...jiraSandboxEnv(jira, jira.data, ["ACME"]),
        GITHUB_TOKEN: github.token,
        GITHUB_REPOS: "acme/portal",
        GITHUB_API_URL: github.url,
        THREADLINE_TEAM_DOMAINS: TEAM,
        THREADLINE_PUBLIC_URL: "https://threadline.acme.dev",
        THREADLINE_DEMO: "0",
      };
      await mkdir(dir, { recursive: true });
      const io = () => ({ env, stdout: sink().stream, stderr: sink().stream, now: () => NOW, cwd: dir });
      const read = async <T>(fn: (db: Db) => Promise<T>) => {
        const opened = await openDatabase(parseConfig(env));
        try {
          return await fn(opened.db);
        } finally {
          await opened.close();
        }
      };
      const backfill = async () => {
        const errors = sink();
        const code = await runSyncCommand({ mode: "backfill" }, { ...io(), stderr: errors.stream });
        expect(code, errors.text()).toBe(0);
      };
      const relink = async () => {
        const out = sink();
        expect(await runRelinkCommand({ json: true }, { ...io(), stdout: out.stream })).toBe(0);
        return JSON.parse(out.text()) as { failed: number };
      };
      return { dir, env, read, backfill, relink, digests: () => digestsOf(dir, env) };
    }

    const personOf = (db: Db, source: string, account: string) =>
      queryRows<{ person_id: string; email: string | null }>(
        db,
        sql`select i.person_id, p.email from identities i join people p on p.id = i.person_id
            where i.source = ${source} and (i.handle = ${account} or i.external_id = ${account})`,
      ).then((rows) => rows[0]);

    it("joins the GitHub accounts whose profile or commits give an address, and suggests the one that gives none", async () => {
      const w = await workspace("suggested");
      await w.backfill();
      await w.read(async (db) => {
        const maya = {
          jira: await personOf(db, "jira", jira.data.user("maya").accountId),
          github: await personOf(db, "github", "maya-c"),
        };
        const tom = {
          jira: await personOf(db, "jira", jira.data.user("tom").accountId),
          github: await personOf(db, "github", "tweber"),
        };
        const lena = {
          jira: await personOf(db, "jira", jira.data.user("lena").accountId),
          github: await personOf(db, "github", "lfischer"),
        };
        // Maya by her public profile email, Tom by the verified address his commits carry.
        expect(maya.github!.person_id).toBe(maya.jira!.person_id);
        expect(tom.github!.person_id).toBe(tom.jira!.person_id);
        // Lena's GitHub account says nothing of her address: two people, never joined on a name alone...
        expect(lena.github!.person_id).not.toBe(lena.jira!.person_id);
        expect(lena.github!.email).toBeNull();

        // ...but suggested, with both sides' evidence.
        const settings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: TEAM }, listSources());
        const suggestions = await loadMergeSuggestions(db, settings);
        expect(suggestions).toHaveLength(1);
        const [s] = suggestions;
        expect(s!.member.person.id).toBe(lena.jira!.person_id);
        expect(s!.member.identities).toEqual([
          expect.objectContaining({ source: "jira", displayName: "Lena Fischer", email: "lena@acme.dev" }),
        ]);
        expect(s!.other.person.id).toBe(lena.github!.person_id);
        expect(s!.other.identities).toEqual([
          expect.objectContaining({
            source: "github",
            account: "lfischer",
            displayName: "Lena Fischer",
            email: null,
          }),
        ]);
      });

      // Who must act: Maya is asked to review Tom's pull request; Tom answers for it. Lena's own pull request
      // waits on Tom, and Lena, known on GitHub only by a name, gets no digest.
      let digests = await w.digests();
      expect([...digests.keys()].sort()).toEqual(["maya@acme.dev", "raj@acme.dev", "tom@acme.dev"]);
      // Raj's own address is a personal one; his digest goes to the team's, which his commits carry.
      expect(section(digests.get("raj@acme.dev")!, "YOURS")).toContain("acme/portal#3");
      const maya = digests.get("maya@acme.dev")!;
      const tom = digests.get("tom@acme.dev")!;
      expect(section(maya, "WAITING ON YOU")).toContain("acme/portal#1");
      expect(section(maya, "YOURS")).not.toContain("acme/portal#1");
      expect(section(tom, "YOURS")).toContain("acme/portal#1");
      expect(section(tom, "WAITING ON YOU")).toContain("acme/portal#2");
      expect(section(tom, "WAITING ON YOU")).not.toContain("acme/portal#1");
      // Each task once per section.
      expect(count(section(tom, "YOURS"), "acme/portal#1 ")).toBe(1);

      // One click (what the People page's Merge button does) joins Lena; her pull request reaches her.
      await w.read(async (db) => {
        const from = (await personOf(db, "github", "lfischer"))!.person_id;
        const into = (await personOf(db, "jira", jira.data.user("lena").accountId))!.person_id;
        const merged = await mergePeople(db, { from, into, now: NOW });
        expect(merged.status).toBe("merged");
        expect(
          await loadMergeSuggestions(
            db,
            parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: TEAM }, listSources()),
          ),
        ).toEqual([]);
      });
      digests = await w.digests();
      expect(section(digests.get("lena@acme.dev") ?? "", "YOURS")).toContain("acme/portal#2");

      // The merge survives relink and a backfill from scratch.
      const lenaJira = await w.read(
        async (db) => (await personOf(db, "jira", jira.data.user("lena").accountId))!.person_id,
      );
      expect((await w.relink()).failed).toBe(0);
      await w.read((db) => db.execute(sql`delete from sync_cursors`));
      await w.backfill();
      await w.read(async (db) => {
        expect((await personOf(db, "github", "lfischer"))!.person_id).toBe(lenaJira);
      });
      digests = await w.digests();
      expect(section(digests.get("lena@acme.dev") ?? "", "YOURS")).toContain("acme/portal#2");
    });

    it("joins the account a people-file line names, at the first sync and after relink", async () => {
      const w = await workspace("people-file");
      await writeFile(
        join(w.dir, "threadline.config.json"),
        JSON.stringify({ people: [{ email: "lena@acme.dev", github: "lfischer" }] }),
      );
      await w.backfill();
      const lenaJira = await w.read(async (db) => {
        const jiraSide = (await personOf(db, "jira", jira.data.user("lena").accountId))!.person_id;
        expect((await personOf(db, "github", "lfischer"))!.person_id).toBe(jiraSide);
        const settings = parseFlagSettings(undefined, { THREADLINE_TEAM_DOMAINS: TEAM }, listSources());
        expect(await loadMergeSuggestions(db, settings)).toEqual([]);
        return jiraSide;
      });
      expect((await w.relink()).failed).toBe(0);
      await w.read(async (db) => {
        expect((await personOf(db, "github", "lfischer"))!.person_id).toBe(lenaJira);
      });
      const digests = await w.digests();
      expect(section(digests.get("lena@acme.dev") ?? "", "YOURS")).toContain("acme/portal#2");
    });
  });
}
