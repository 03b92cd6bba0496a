/**
 * Writing back to GitHub (acting on a flag), through Octokit:
 * - `comment` and `reply`: an issue comment (a pull request's conversation too) opening with `@login`
 *   mentions of `people`, ending with a hidden HTML comment that carries the action id
 *   (`<!-- threadline-action: … -->`, not rendered by GitHub), which `find` looks for among the issue's
 *   comments, newest first;
 * - `request_review`: the pull request's requested reviewers; `assign`: the issue's assignees (added, none
 *   replaced); `reopen`: the issue or pull request's state back to open. These three are idempotent on
 *   GitHub, and `find` reports them done when GitHub already shows them so.
 * `access`: the token's login (`GET /user`); a classic token's scopes (`X-OAuth-Scopes`: `repo`, or
 * `public_repo` for public repositories); for a fine-grained or GitHub App token, which GitHub lists no
 * scopes for, the account's role on each repository (`permissions` of `GET /repos/{owner}/{repo}`): push
 * access for assignees, reviewers and the state, read access for comments.
 * docs.github.com/rest/issues/comments#create-an-issue-comment ·
 * docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api (scopes)
 */
import { z } from "zod";
import type { WriteAccess, WriteKind, WritePerson, WriteRequest, WriteResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { createGithubClient, type GithubClient } from "./client.ts";
import type { GithubSettings } from "./config.ts";
import { GITHUB_WRITE_KINDS } from "./write-kinds.ts";

type GithubWriteKind = (typeof GITHUB_WRITE_KINDS)[number];

/** The hidden marker of a comment written for an action. */
export function actionMarker(actionId: string): string {
  // `--` would end the HTML comment early; an action id is a uuid, anything else is kept readable.
  return `<!-- threadline-action: ${actionId.replace(/[^A-Za-z0-9_.:-]|-(?=-)/g, "_")} -->`;
}

const quietReport = { requests: () => {}, waiting: () => {} };

const CommentSchema = z.object({ id: z.number(), html_url: z.string(), body: z.string().nullish() });
const IssueSchema = z.object({
  html_url: z.string(),
  state: z.string(),
  assignees: z.array(z.object({ login: z.string() })).nullish(),
});
const ReviewersSchema = z.object({ users: z.array(z.object({ login: z.string() })) });
const UserSchema = z.object({ login: z.string() });
const RepoSchema = z.object({
  full_name: z.string(),
  private: z.boolean(),
  permissions: z.object({ push: z.boolean(), pull: z.boolean() }).optional(),
});

interface Target {
  owner: string;
  repo: string;
  number: number;
  fullName: string;
}

/** `acme/portal#39` → its repository and number. */
function parseTaskKey(taskKey: string): Target {
  const m = /^([^/\s]+)\/([^#\s]+)#(\d+)$/.exec(taskKey);
  if (!m)
    throw new ConnectorError("github", "invalid", `${taskKey} is not a GitHub task (owner/repo#number)`);
  return { owner: m[1]!, repo: m[2]!, number: Number(m[3]), fullName: `${m[1]}/${m[2]}` };
}

const isWriteKind = (kind: WriteKind): kind is GithubWriteKind =>
  (GITHUB_WRITE_KINDS as readonly WriteKind[]).includes(kind);

function session(request: { settings: GithubSettings; signal: AbortSignal }, scope?: string): GithubClient {
  return createGithubClient({
    settings: request.settings,
    signal: request.signal,
    report: quietReport,
    ...(scope ? { scope } : {}),
  });
}

/** The login of a person: their handle, the login itself, or GitHub's user by numeric id. */
async function loginOf(client: GithubClient, person: WritePerson): Promise<string> {
  if (person.handle) return person.handle;
  if (!/^\d+$/.test(person.externalId)) return person.externalId;
  const res = await client.request("GET /user/{account_id}", { account_id: Number(person.externalId) });
  return UserSchema.parse(res.data).login;
}

const logins = (client: GithubClient, people: readonly WritePerson[]) =>
  Promise.all(people.map((p) => loginOf(client, p)));

/** The comment's Markdown: the mentions, the text, the marker. */
async function commentBody(client: GithubClient, request: WriteRequest<GithubSettings>): Promise<string> {
  const mentions = (await logins(client, request.people)).map((l) => `@${l}`).join(" ");
  const text = request.text.trim();
  return `${mentions && text ? `${mentions} ${text}` : mentions || text}\n\n${actionMarker(request.actionId)}`;
}

const commentResult = (t: Target, c: z.infer<typeof CommentSchema>): WriteResult => ({
  externalId: `${t.fullName}:issue_comment:${c.id}`,
  url: c.html_url,
});

/** The page number `rel="last"` of a `Link` header names. */
function lastPage(link: unknown): number {
  if (typeof link !== "string") return 1;
  const last = link.split(",").find((part) => part.includes('rel="last"'));
  const url = last?.slice(last.indexOf("<") + 1, last.indexOf(">"));
  const page = url && URL.canParse(url) ? Number(new URL(url).searchParams.get("page")) : 1;
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/** The comment carrying the marker, newest pages first (GitHub lists an issue's comments oldest first). */
async function findComment(client: GithubClient, t: Target, marker: string): Promise<WriteResult | null> {
  const route = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
  const params = { owner: t.owner, repo: t.repo, issue_number: t.number, per_page: 100 };
  const first = await client.request(route, { ...params, page: 1 });
  const last = lastPage(first.headers.link);
  for (let page = last; page >= 1; page--) {
    const res = page === 1 ? first : await client.request(route, { ...params, page });
    const comments = z.array(CommentSchema).parse(res.data);
    const found = comments.reverse().find((c) => c.body?.includes(marker));
    if (found) return commentResult(t, found);
  }
  return null;
}

async function getIssue(client: GithubClient, t: Target) {
  const res = await client.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
    owner: t.owner,
    repo: t.repo,
    issue_number: t.number,
  });
  return IssueSchema.parse(res.data);
}

/** What a refused write needs, in GitHub's words, replacing the read-side advice of the client's error. */
function refused(err: unknown, t: Target, kind: GithubWriteKind): unknown {
  if (!(err instanceof ConnectorError) || (err.status !== 403 && err.status !== 404)) return err;
  const needs =
    kind === "comment" || kind === "reply"
      ? "a classic token needs the repo scope (public_repo for a public repository); a fine-grained token Issues: write and Pull requests: write"
      : "the token's account needs push access to the repository; a classic token the repo scope, a fine-grained token Issues: write and Pull requests: write";
  return new ConnectorError(
    "github",
    err.status === 404 ? "not_found" : "forbidden",
    `${err.status} writing to ${t.fullName}#${t.number}: ${needs}`,
    { status: err.status, cause: err },
  );
}

/** The write an earlier attempt of this action made, or null. */
export async function findGithubWrite(request: WriteRequest<GithubSettings>): Promise<WriteResult | null> {
  const { kind } = request;
  if (!isWriteKind(kind)) throw new ConnectorError("github", "invalid", `GitHub cannot make a ${kind} write`);
  const t = parseTaskKey(request.target.taskKey);
  const client = session(request, t.fullName);
  switch (kind) {
    case "comment":
    case "reply":
      return findComment(client, t, actionMarker(request.actionId));
    case "assign": {
      const issue = await getIssue(client, t);
      const wanted = await logins(client, request.people);
      const have = new Set((issue.assignees ?? []).map((a) => a.login.toLowerCase()));
      return wanted.every((l) => have.has(l.toLowerCase()))
        ? { externalId: null, url: issue.html_url }
        : null;
    }
    case "request_review": {
      const res = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
        owner: t.owner,
        repo: t.repo,
        pull_number: t.number,
      });
      const have = new Set(ReviewersSchema.parse(res.data).users.map((u) => u.login.toLowerCase()));
      const wanted = await logins(client, request.people);
      return wanted.every((l) => have.has(l.toLowerCase()))
        ? { externalId: null, url: `${request.settings.webUrl}/${t.fullName}/pull/${t.number}` }
        : null;
    }
    case "reopen": {
      const issue = await getIssue(client, t);
      return issue.state === "open" ? { externalId: null, url: issue.html_url } : null;
    }
  }
}

/** Makes the write. */
export async function writeGithub(request: WriteRequest<GithubSettings>): Promise<WriteResult> {
  const { kind } = request;
  if (!isWriteKind(kind)) throw new ConnectorError("github", "invalid", `GitHub cannot make a ${kind} write`);
  const t = parseTaskKey(request.target.taskKey);
  const client = session(request, t.fullName);
  const where = { owner: t.owner, repo: t.repo };
  try {
    switch (kind) {
      case "comment":
      case "reply": {
        const res = await client.request(
          "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
          { ...where, issue_number: t.number, body: await commentBody(client, request) },
          { once: true },
        );
        return commentResult(t, CommentSchema.parse(res.data));
      }
      case "assign": {
        const wanted = await logins(client, request.people);
        const res = await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/assignees", {
          ...where,
          issue_number: t.number,
          assignees: wanted,
        });
        // GitHub drops, without an error, an assignee the token's account may not add or who cannot be assigned.
        const issue = IssueSchema.parse(res.data);
        const have = new Set((issue.assignees ?? []).map((a) => a.login.toLowerCase()));
        const dropped = wanted.filter((l) => !have.has(l.toLowerCase()));
        if (dropped.length > 0) {
          throw new ConnectorError(
            "github",
            "forbidden",
            `GitHub did not assign ${dropped.join(", ")} to ${t.fullName}#${t.number}: the token's account needs push access to the repository, and the person must be able to be assigned (a collaborator)`,
          );
        }
        return { externalId: null, url: issue.html_url };
      }
      case "request_review": {
        await client.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
          ...where,
          pull_number: t.number,
          reviewers: await logins(client, request.people),
        });
        return { externalId: null, url: `${request.settings.webUrl}/${t.fullName}/pull/${t.number}` };
      }
      case "reopen": {
        const res = await client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
          ...where,
          issue_number: t.number,
          state: "open",
        });
        return { externalId: null, url: IssueSchema.parse(res.data).html_url };
      }
    }
  } catch (err) {
    throw refused(err, t, kind);
  }
}

/** What the token allows: its login, and each kind's scope or repository permission. */
export async function githubAccess(request: {
  settings: GithubSettings;
  signal: AbortSignal;
}): Promise<Partial<Record<WriteKind, WriteAccess>>> {
  const { settings } = request;
  const client = session(request);
  let account: string;
  let scopes: string[] | null = null;
  try {
    const me = await client.request("GET /user", {});
    account = UserSchema.parse(me.data).login;
    const header = me.headers["x-oauth-scopes"];
    if (typeof header === "string")
      scopes = header
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
  } catch (err) {
    // A GitHub App installation token may not read `/user`; it writes as the app's bot.
    if (!(err instanceof ConnectorError) || err.status !== 403) throw err;
    account = "the GitHub App's installation";
  }
  const repos = await Promise.all(
    settings.repos.map(async (fullName) => {
      const [owner, repo] = fullName.split("/");
      const res = await client.request("GET /repos/{owner}/{repo}", { owner, repo });
      return RepoSchema.parse(res.data);
    }),
  );

  const out: Partial<Record<WriteKind, WriteAccess>> = {};
  for (const kind of GITHUB_WRITE_KINDS) {
    const push = kind !== "comment" && kind !== "reply";
    let needs: string | null = null;
    if (scopes !== null) {
      // A classic token: `repo` covers everything; `public_repo` only the public repositories.
      const privateOnes = repos.filter((r) => r.private).map((r) => r.full_name);
      if (!scopes.includes("repo") && (!scopes.includes("public_repo") || privateOnes.length > 0)) {
        needs = scopes.includes("public_repo")
          ? `repo (for ${privateOnes.join(", ")})`
          : "repo (or public_repo for public repositories)";
      }
    }
    if (needs === null) {
      const lacking = repos.filter((r) => r.permissions && !(push ? r.permissions.push : r.permissions.pull));
      if (lacking.length > 0) {
        needs = `${push ? "push" : "read"} access to ${lacking.map((r) => r.full_name).join(", ")}`;
      }
    }
    out[kind] = needs === null ? { allowed: true, account } : { allowed: false, needs };
  }
  return out;
}
