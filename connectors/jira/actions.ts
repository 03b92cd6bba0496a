/**
 * Writing back to Jira (acting on a flag), through jira.js:
 * - `comment` and `reply`: a comment on the issue (ADF on Cloud's v3, wiki markup on Data Center's v2) that
 *   opens with mentions of `people`, carrying the action id as a comment property (`threadline.action`,
 *   Jira's `properties` of add comment), so `find` recognises a comment whose answer was lost among the
 *   issue's newest comments (`expand=properties`);
 * - `assign`: the issue's assignee (accountId on Cloud, username on Data Center);
 * - `reopen`: a transition to a to-do or in-progress status; an issue already open is left as it is.
 * `access` asks `myself` and `mypermissions` (ADD_COMMENTS, ASSIGN_ISSUES, TRANSITION_ISSUES on every
 * configured project), and for an OAuth 2.0 token (Cloud, no JIRA_EMAIL) the scopes it was granted.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-post
 */
import type { WriteAccess, WriteKind, WriteRequest, WriteResult } from "../types.ts";
import { ConnectorError } from "../types.ts";
import { createJiraClient, fetchJiraDeployment, fetchJiraSiteUrl, type JiraClient } from "./client.ts";
import type { JiraDeployment, JiraSettings } from "./config.ts";
import { browseUrl, itemIds, toIdentityId } from "./map.ts";
import type { JiraPullOptions } from "./pull.ts";
import {
  JiraAccessibleResourcesSchema,
  JiraCommentPageWithPropertiesSchema,
  JiraCommentWithPropertiesSchema,
  JiraIssueStateSchema,
  JiraMyPermissionsSchema,
  JiraTransitionsSchema,
  JiraUserSchema,
} from "./schemas.ts";
import { toCommentAdf, toCommentWiki } from "./write-body.ts";
import { JIRA_WRITE_KINDS } from "./write-kinds.ts";

/** The comment property that carries the action id. */
export const JIRA_ACTION_PROPERTY = "threadline.action";

/** How many of an issue's newest comments `find` reads for the action's property. */
const FIND_WINDOW = 100;

/** The project permission each kind of write needs (`mypermissions` keys). */
const PERMISSION_OF: Record<(typeof JIRA_WRITE_KINDS)[number], { key: string; name: string }> = {
  comment: { key: "ADD_COMMENTS", name: "Add Comments" },
  reply: { key: "ADD_COMMENTS", name: "Add Comments" },
  assign: { key: "ASSIGN_ISSUES", name: "Assign Issues" },
  reopen: { key: "TRANSITION_ISSUES", name: "Transition Issues" },
};

/**
 * The OAuth 2.0 scopes each kind needs: the classic `write:jira-work`, or the granular scope of the same
 * write. https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/
 */
const SCOPES_OF: Record<(typeof JIRA_WRITE_KINDS)[number], string> = {
  comment: "write:comment:jira",
  reply: "write:comment:jira",
  assign: "write:issue:jira",
  reopen: "write:issue:jira",
};

const quietReport = { requests: () => {}, waiting: () => {} };

interface Session {
  client: JiraClient;
  deployment: JiraDeployment;
}

async function open(settings: JiraSettings, signal: AbortSignal, options: JiraPullOptions): Promise<Session> {
  const client = createJiraClient({ settings, signal, report: quietReport, ...options });
  return { client, deployment: await fetchJiraDeployment(settings, client) };
}

const isWriteKind = (kind: WriteKind): kind is (typeof JIRA_WRITE_KINDS)[number] =>
  (JIRA_WRITE_KINDS as readonly WriteKind[]).includes(kind);

function unsupported(kind: WriteKind): ConnectorError {
  return new ConnectorError("jira", "invalid", `Jira cannot make a ${kind} write`);
}

function onlyPerson(request: WriteRequest<JiraSettings>) {
  const person = request.people[0];
  if (!person || request.people.length !== 1) {
    throw new ConnectorError("jira", "invalid", `assigning ${request.target.taskKey} takes one person`);
  }
  return person;
}

async function commentResult(
  settings: JiraSettings,
  client: JiraClient,
  issueKey: string,
  commentId: string,
): Promise<WriteResult> {
  const site = await fetchJiraSiteUrl(settings, client);
  return {
    externalId: itemIds.comment(commentId),
    url: `${browseUrl(site, issueKey)}?focusedCommentId=${encodeURIComponent(commentId)}`,
  };
}

const carries = (actionId: string) => (p: { key: string; value: unknown }) =>
  p.key === JIRA_ACTION_PROPERTY &&
  typeof p.value === "object" &&
  p.value !== null &&
  Reflect.get(p.value, "actionId") === actionId;

const isOpen = (category: string | undefined) => category !== "done";

/**
 * The item a reopen made: the issue's newest status change (the one into its open status now), as `map`
 * keeps it (`history:<id>`); null when Jira did not embed it. Histories are compared by time, whatever
 * order the answer lists them in.
 */
async function reopenResult(client: JiraClient, site: string, issueKey: string): Promise<WriteResult> {
  const issue = JiraIssueStateSchema.parse(await client.fetchIssueFields(issueKey, ["status"], "changelog"));
  const statusChanges = (issue.changelog?.histories ?? []).filter((h) =>
    h.items.some((i) => i.field === "status" || i.fieldId === "status"),
  );
  const newest = statusChanges.reduce<(typeof statusChanges)[number] | null>(
    (best, h) => (best === null || h.created.getTime() >= best.created.getTime() ? h : best),
    null,
  );
  return { externalId: newest ? itemIds.history(newest.id) : null, url: browseUrl(site, issueKey) };
}

/** The write an earlier attempt of this action made, or null. */
export async function findJiraWrite(
  request: WriteRequest<JiraSettings>,
  options: JiraPullOptions = {},
): Promise<WriteResult | null> {
  const { settings, target, kind } = request;
  if (!isWriteKind(kind)) throw unsupported(kind);
  const { client, deployment } = await open(settings, request.signal, options);
  const issueKey = target.taskKey;
  const site = async () => ({
    externalId: null,
    url: browseUrl(await fetchJiraSiteUrl(settings, client), issueKey),
  });
  switch (kind) {
    case "comment":
    case "reply": {
      const page = JiraCommentPageWithPropertiesSchema.parse(
        await client.fetchNewestComments(deployment, issueKey, FIND_WINDOW),
      );
      const found = page.comments.find((c) => (c.properties ?? []).some(carries(request.actionId)));
      return found ? commentResult(settings, client, issueKey, found.id) : null;
    }
    case "assign": {
      const person = onlyPerson(request);
      const issue = JiraIssueStateSchema.parse(await client.fetchIssueFields(issueKey, ["assignee"]));
      const assignee = issue.fields.assignee ? toIdentityId(issue.fields.assignee) : null;
      return assignee === person.externalId ? site() : null;
    }
    case "reopen": {
      const issue = JiraIssueStateSchema.parse(await client.fetchIssueFields(issueKey, ["status"]));
      if (!isOpen(issue.fields.status?.statusCategory?.key)) return null;
      return reopenResult(client, await fetchJiraSiteUrl(settings, client), issueKey);
    }
  }
}

/** Makes the write. */
export async function writeJira(
  request: WriteRequest<JiraSettings>,
  options: JiraPullOptions = {},
): Promise<WriteResult> {
  const { settings, target, kind } = request;
  if (!isWriteKind(kind)) throw unsupported(kind);
  const { client, deployment } = await open(settings, request.signal, options);
  const issueKey = target.taskKey;
  const site = async () => ({
    externalId: null,
    url: browseUrl(await fetchJiraSiteUrl(settings, client), issueKey),
  });
  switch (kind) {
    case "comment":
    case "reply": {
      const body =
        deployment === "cloud"
          ? toCommentAdf(request.text, request.people)
          : toCommentWiki(request.text, request.people);
      const answer = await client.addComment(deployment, issueKey, body, [
        { key: JIRA_ACTION_PROPERTY, value: { actionId: request.actionId } },
      ]);
      const comment = JiraCommentWithPropertiesSchema.parse(answer);
      return commentResult(settings, client, issueKey, comment.id);
    }
    case "assign": {
      await client.assignIssue(deployment, issueKey, onlyPerson(request).externalId);
      return site();
    }
    case "reopen": {
      const issue = JiraIssueStateSchema.parse(await client.fetchIssueFields(issueKey, ["status"]));
      if (isOpen(issue.fields.status?.statusCategory?.key)) return site();
      const { transitions } = JiraTransitionsSchema.parse(
        await client.fetchTransitions(deployment, issueKey),
      );
      const open = transitions.filter((t) => isOpen(t.to?.statusCategory?.key) && t.to?.statusCategory?.key);
      // Jira's own "Reopen" transition first, then one back to a to-do status, then any in-progress one.
      const chosen =
        open.find((t) => /reopen/i.test(t.name)) ??
        open.find((t) => t.to?.statusCategory?.key === "new") ??
        open[0];
      if (!chosen) {
        throw new ConnectorError(
          "jira",
          "forbidden",
          `${issueKey} (${issue.fields.status?.name ?? "done"}) has no transition to an open status the account of JIRA_EMAIL may do: it needs the Transition Issues permission (TRANSITION_ISSUES), and the workflow a way back`,
        );
      }
      await client.doTransition(deployment, issueKey, chosen.id);
      return reopenResult(client, await fetchJiraSiteUrl(settings, client), issueKey);
    }
  }
}

/** What the credentials allow: the account, and each kind's project permission (and OAuth scope). */
export async function jiraAccess(
  request: { settings: JiraSettings; signal: AbortSignal },
  options: JiraPullOptions = {},
): Promise<Partial<Record<WriteKind, WriteAccess>>> {
  const { settings } = request;
  const { client, deployment } = await open(settings, request.signal, options);
  const me = JiraUserSchema.parse(await client.fetchMyself(deployment));
  const account = me.displayName ?? me.emailAddress ?? me.name ?? toIdentityId(me) ?? "the API user";

  // An OAuth 2.0 access token (Cloud without JIRA_EMAIL) is limited by its scopes beside the user's permissions.
  let scopes: string[] | null = null;
  if (deployment === "cloud" && !settings.email) {
    const resources = JiraAccessibleResourcesSchema.parse(await client.fetchAccessibleResources());
    const cloudId = /\/ex\/jira\/([^/]+)/.exec(new URL(settings.baseUrl).pathname)?.[1];
    const site = resources.find((r) => r.id === cloudId) ?? resources[0];
    scopes = site?.scopes ?? [];
  }

  const keys = [...new Set(Object.values(PERMISSION_OF).map((p) => p.key))];
  const projects: Array<string | null> = settings.projects.length > 0 ? settings.projects : [null];
  const missing = new Map<string, string[]>();
  for (const project of projects) {
    const answer = JiraMyPermissionsSchema.parse(await client.fetchMyPermissions(deployment, project, keys));
    for (const key of keys) {
      if (answer.permissions[key]?.havePermission) continue;
      missing.set(key, [...(missing.get(key) ?? []), project ?? "any project"]);
    }
  }

  const out: Partial<Record<WriteKind, WriteAccess>> = {};
  for (const kind of JIRA_WRITE_KINDS) {
    const permission = PERMISSION_OF[kind];
    const lacking = missing.get(permission.key);
    if (scopes !== null && !scopes.includes("write:jira-work") && !scopes.includes(SCOPES_OF[kind])) {
      out[kind] = { allowed: false, needs: `write:jira-work (or ${SCOPES_OF[kind]})` };
    } else if (lacking) {
      out[kind] = {
        allowed: false,
        needs: `${permission.key} (${permission.name}) in ${lacking.join(", ")}`,
      };
    } else {
      out[kind] = { allowed: true, account };
    }
  }
  return out;
}
