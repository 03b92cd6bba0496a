import type { FlagKind } from "../model/kinds.ts";
import type {
  Digest,
  DigestEntry,
  DigestTaskEntry,
  LeadSection,
  SummaryFlag,
  WaitingFor,
} from "./digest-model.ts";

/** A digest as a message: subject, plain text and HTML. */
export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
}

export const KIND_LABELS: Record<FlagKind, string> = {
  stale: "Stale",
  missing_approval: "Missing approval",
  unanswered_question: "Unanswered question",
  feedback_off_board: "Client feedback off the board",
  done_not_deployed: "Done, not deployed",
  no_owner: "No owner",
  blocked_external: "Blocked outside the team",
};

const KIND_COLORS: Record<FlagKind, string> = {
  stale: "#6b7280",
  missing_approval: "#b45309",
  unanswered_question: "#1d4ed8",
  feedback_off_board: "#7c3aed",
  done_not_deployed: "#047857",
  no_owner: "#be123c",
  blocked_external: "#c2410c",
};

const WAITING_LABELS: Record<WaitingFor, string> = {
  question: "Question to you",
  review: "Review requested of you",
  approval: "Approval asked of you",
  action: "Needs you",
};

/**
 * The lead's full list stops here: Gmail clips a message past about 100 kB of HTML, and the rest is one click
 * away in Threadline.
 */
const MAX_PROJECT_ENTRIES = 60;

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2026-03-04` → `Wed 4 Mar`. */
export function formatDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const stuckFor = (e: { stuckDays: number }) =>
  e.stuckDays === 0 ? "since today" : `stuck ${plural(e.stuckDays, "day")}`;

/** The subject: the day and the counts, the most pressing first, short enough for a phone's list. */
export function toSubject(digest: Digest): string {
  const parts: string[] = [];
  if (digest.lead) {
    const c = digest.lead.changes;
    parts.push(
      `${digest.lead.total} stuck in the project (${c.added.length} new, ${c.resolved.length} resolved)`,
    );
  }
  if (digest.owned.length > 0) parts.push(`${digest.owned.length} of yours stuck`);
  if (digest.waiting.length > 0) parts.push(`${digest.waiting.length} waiting on you`);
  if (parts.length === 0) parts.push("nothing stuck");
  return `Threadline ${formatDay(digest.day)}: ${parts.join(", ")}`;
}

// ---------------------------------------------------------------------------------------------------------
// Plain text

/** Each action's preview, one line each: `Record on the task: https://…/flags/f1/actions/record`. */
const textActions = (e: DigestEntry, indent: string) => e.actions.map((a) => `${indent}${a.label}: ${a.url}`);

function textEntry(e: DigestEntry): string {
  return [
    `* ${e.taskKey} ${e.taskTitle} [${labelOf(e)}, ${stuckFor(e)}]`,
    `  ${e.reason}`,
    `  Threadline: ${e.threadlineUrl}`,
    ...(e.sourceUrl ? [`  ${e.linkSourceLabel}: ${e.sourceUrl}`] : []),
    ...textActions(e, "  "),
  ].join("\n");
}

const labelOf = (e: DigestEntry) =>
  e.waitingFor ? `${WAITING_LABELS[e.waitingFor]} · ${KIND_LABELS[e.kind]}` : KIND_LABELS[e.kind];

/** A task under one heading, each reason below it with its own link when that is not the task's. */
function textTask(t: DigestTaskEntry): string {
  const reasons = t.reasons.flatMap((e) => [
    `  - ${labelOf(e)}: ${e.reason}`,
    ...(e.sourceUrl && e.sourceUrl !== t.taskUrl ? [`    ${e.linkSourceLabel}: ${e.sourceUrl}`] : []),
    ...textActions(e, "    "),
  ]);
  const count = t.reasons.length > 1 ? `, ${t.reasons.length} reasons` : "";
  return [
    `* ${t.taskKey} ${t.taskTitle} [${stuckFor(t)}${count}]`,
    `  Threadline: ${t.threadlineUrl}`,
    ...(t.taskUrl ? [`  ${t.taskSourceLabel}: ${t.taskUrl}`] : []),
    ...reasons,
  ].join("\n");
}

const textSection = (title: string, entries: DigestEntry[]) =>
  entries.length === 0
    ? []
    : [`${title} (${entries.length})`, "", ...entries.map(textEntry).flatMap((t) => [t, ""])];

const textTasks = (title: string, tasks: DigestTaskEntry[]) =>
  tasks.length === 0
    ? []
    : [`${title} (${tasks.length})`, "", ...tasks.map(textTask).flatMap((t) => [t, ""])];

const textResolved = (f: SummaryFlag) => `* ${f.taskKey} ${f.title} [${KIND_LABELS[f.kind]}]`;

function changesSince(lead: LeadSection): string {
  const since = lead.changes.since;
  return "day" in since ? `since your digest of ${formatDay(since.day)}` : "in the last day";
}

/** The plain-text part: the same content as the HTML, for clients and people that read text. */
export function toDigestText(digest: Digest, publicUrl: string): string {
  const lines = [`What's stuck, ${formatDay(digest.day)}, for ${digest.recipient.name}`, ""];
  lines.push(...textTasks("YOURS: flagged tasks you own", digest.owned));
  lines.push(...textTasks("WAITING ON YOU", digest.waiting));
  const lead = digest.lead;
  if (lead) {
    const c = lead.changes;
    lines.push(`THE PROJECT: ${plural(lead.total, "flag")}`, "");
    for (const [kind, n] of Object.entries(lead.counts))
      if (n > 0) lines.push(`  ${KIND_LABELS[kind as FlagKind]}: ${n}`);
    lines.push(
      "",
      `Changes ${changesSince(lead)}: ${c.added.length} new, ${c.resolved.length} resolved, ${c.stillStuck} still stuck`,
      "",
    );
    lines.push(...textSection("NEW", c.added));
    if (c.resolved.length > 0)
      lines.push(`RESOLVED (${c.resolved.length})`, "", ...c.resolved.map(textResolved), "");
    lines.push(...textSection("NOBODY OWNS THESE", lead.unowned));
    const shown = lead.entries.slice(0, MAX_PROJECT_ENTRIES);
    lines.push(...textSection("EVERYTHING STUCK, LONGEST FIRST", shown));
    if (lead.entries.length > shown.length)
      lines.push(`${lead.entries.length - shown.length} more in Threadline: ${publicUrl}`, "");
  }
  if (digest.owned.length + digest.waiting.length === 0 && !lead)
    lines.push("Nothing of yours is stuck today.", "");
  lines.push("--", `Threadline: ${publicUrl}`, `The daily digest of ${digest.recipient.email}.`);
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// HTML: tables and inline styles, as Gmail, Outlook and phone clients drop <style> and flexbox in places.

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
const WRAP = "word-break:break-word;overflow-wrap:anywhere;";

/** "· Open in Jira" after the Threadline link, when the source gave a link safe to follow. */
const alsoLink = (url: string, label: string) =>
  url
    ? `&nbsp;&nbsp;·&nbsp;&nbsp;<a href="${escapeHtml(url)}" style="color:#1d4ed8;">Open in ${escapeHtml(label)}</a>`
    : "";

/**
 * The flag's actions, as links to their previews in Threadline (styled as small buttons where the client
 * keeps the style): nothing is done from the email, the preview asks first.
 */
const htmlActions = (e: DigestEntry) =>
  e.actions.length === 0
    ? ""
    : `<div style="font-size:13px;line-height:20px;padding-top:6px;">${e.actions
        .map(
          (a) =>
            `<a href="${escapeHtml(a.url)}" style="display:inline-block;margin:2px 6px 2px 0;padding:3px 10px;border:1px solid #1d4ed8;border-radius:4px;color:#1d4ed8;text-decoration:none;">${escapeHtml(a.label)}</a>`,
        )
        .join("")}</div>`;

function htmlEntry(e: DigestEntry): string {
  const color = KIND_COLORS[e.kind];
  const label = escapeHtml(labelOf(e));
  return `<tr><td style="padding:12px 16px;border-top:1px solid #e5e7eb;border-left:4px solid ${color};${FONT}${WRAP}">
<div style="font-size:12px;line-height:16px;font-weight:bold;color:${color};">${label} · ${escapeHtml(stuckFor(e))}</div>
<div style="font-size:15px;line-height:21px;font-weight:bold;color:#111827;padding-top:2px;"><a href="${escapeHtml(e.threadlineUrl)}" style="color:#111827;text-decoration:none;">${escapeHtml(e.taskKey)}</a> ${escapeHtml(e.taskTitle)}</div>
<div style="font-size:14px;line-height:20px;color:#374151;padding-top:2px;">${escapeHtml(e.reason)}</div>
<div style="font-size:13px;line-height:20px;padding-top:4px;"><a href="${escapeHtml(e.threadlineUrl)}" style="color:#1d4ed8;">Open in Threadline</a>${alsoLink(e.sourceUrl, e.linkSourceLabel)}</div>${htmlActions(e)}
</td></tr>`;
}

/** A task under one heading, with its links, then each reason in its kind's colour. */
function htmlTask(t: DigestTaskEntry): string {
  const color = KIND_COLORS[t.reasons[0]!.kind];
  const count = t.reasons.length > 1 ? ` · ${t.reasons.length} reasons` : "";
  const reasons = t.reasons
    .map((e) => {
      const link =
        e.sourceUrl && e.sourceUrl !== t.taskUrl
          ? `<div style="font-size:13px;line-height:20px;"><a href="${escapeHtml(e.sourceUrl)}" style="color:#1d4ed8;">Open in ${escapeHtml(e.linkSourceLabel)}</a></div>`
          : "";
      return `<div style="padding-top:8px;"><div style="font-size:12px;line-height:16px;font-weight:bold;color:${KIND_COLORS[e.kind]};">${escapeHtml(labelOf(e))}</div>
<div style="font-size:14px;line-height:20px;color:#374151;">${escapeHtml(e.reason)}</div>${link}${htmlActions(e)}</div>`;
    })
    .join("\n");
  return `<tr><td style="padding:12px 16px;border-top:1px solid #e5e7eb;border-left:4px solid ${color};${FONT}${WRAP}">
<div style="font-size:12px;line-height:16px;font-weight:bold;color:#6b7280;">${escapeHtml(stuckFor(t))}${count}</div>
<div style="font-size:15px;line-height:21px;font-weight:bold;color:#111827;padding-top:2px;"><a href="${escapeHtml(t.threadlineUrl)}" style="color:#111827;text-decoration:none;">${escapeHtml(t.taskKey)}</a> ${escapeHtml(t.taskTitle)}</div>
<div style="font-size:13px;line-height:20px;padding-top:2px;"><a href="${escapeHtml(t.threadlineUrl)}" style="color:#1d4ed8;">Open in Threadline</a>${alsoLink(t.taskUrl, t.taskSourceLabel)}</div>
${reasons}
</td></tr>`;
}

const htmlHeading = (title: string, note = "") =>
  `<tr><td style="padding:20px 16px 8px;${FONT}"><div style="font-size:17px;line-height:22px;font-weight:bold;color:#111827;">${escapeHtml(title)}</div>${note ? `<div style="font-size:13px;line-height:18px;color:#6b7280;">${escapeHtml(note)}</div>` : ""}</td></tr>`;

const htmlSection = (title: string, entries: DigestEntry[], note = "") =>
  entries.length === 0
    ? ""
    : htmlHeading(`${title} (${entries.length})`, note) + entries.map(htmlEntry).join("\n");

const htmlTasks = (title: string, tasks: DigestTaskEntry[], note: string) =>
  tasks.length === 0 ? "" : htmlHeading(`${title} (${tasks.length})`, note) + tasks.map(htmlTask).join("\n");

function htmlCounts(lead: LeadSection): string {
  const rows = Object.entries(lead.counts)
    .filter(([, n]) => n > 0)
    .map(
      ([kind, n]) =>
        `<tr><td style="padding:4px 0;${FONT}font-size:14px;color:#374151;"><span style="display:inline-block;width:10px;height:10px;border-radius:2px;background:${KIND_COLORS[kind as FlagKind]};"></span>&nbsp; ${escapeHtml(KIND_LABELS[kind as FlagKind])}</td><td align="right" style="padding:4px 0;${FONT}font-size:14px;font-weight:bold;color:#111827;">${n}</td></tr>`,
    )
    .join("");
  const c = lead.changes;
  const change = (n: number, what: string, color: string) =>
    `<td align="center" width="33%" style="padding:8px 4px;${FONT}"><div style="font-size:22px;line-height:26px;font-weight:bold;color:${color};">${n}</div><div style="font-size:12px;color:#6b7280;">${what}</div></td>`;
  return `<tr><td style="padding:0 16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f9fafb;border-radius:6px;"><tr>${change(c.added.length, "new", "#be123c")}${change(c.resolved.length, "resolved", "#047857")}${change(c.stillStuck, "still stuck", "#374151")}</tr></table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin-top:8px;">${rows}</table>
</td></tr>`;
}

function htmlResolved(resolved: SummaryFlag[], publicUrl: string): string {
  if (resolved.length === 0) return "";
  const items = resolved
    .map(
      (f) =>
        `<tr><td style="padding:6px 16px;border-top:1px solid #e5e7eb;${FONT}${WRAP}font-size:14px;line-height:20px;color:#374151;"><a href="${escapeHtml(`${publicUrl}/tasks/${encodeURIComponent(f.taskKey)}`)}" style="color:#047857;font-weight:bold;text-decoration:none;">${escapeHtml(f.taskKey)}</a> ${escapeHtml(f.title)} <span style="color:#6b7280;">(${escapeHtml(KIND_LABELS[f.kind])})</span></td></tr>`,
    )
    .join("\n");
  return htmlHeading(`Resolved (${resolved.length})`) + items;
}

/** The HTML part: one 600px column that shrinks to the screen, every style inline. */
export function toDigestHtml(digest: Digest, publicUrl: string): string {
  const subject = toSubject(digest);
  const lead = digest.lead;
  let body = "";
  body += htmlTasks("Yours", digest.owned, "Flagged tasks you answer for, longest stuck first.");
  body += htmlTasks("Waiting on you", digest.waiting, "Questions, reviews and approvals others wait on.");
  if (lead) {
    body += htmlHeading(`The project: ${plural(lead.total, "flag")}`, `Changes ${changesSince(lead)}.`);
    body += htmlCounts(lead);
    body += htmlSection("New", lead.changes.added);
    body += htmlResolved(lead.changes.resolved, publicUrl);
    body += htmlSection("Nobody owns these", lead.unowned, "Assign an owner, or chase them yourself.");
    const shown = lead.entries.slice(0, MAX_PROJECT_ENTRIES);
    body += htmlSection("Everything stuck", shown, "Longest stuck first.").replace(
      `Everything stuck (${shown.length})`,
      `Everything stuck (${lead.entries.length})`,
    );
    if (lead.entries.length > shown.length) {
      body += `<tr><td style="padding:12px 16px;border-top:1px solid #e5e7eb;${FONT}font-size:14px;"><a href="${escapeHtml(publicUrl)}" style="color:#1d4ed8;">${lead.entries.length - shown.length} more in Threadline</a></td></tr>`;
    }
  }
  if (digest.owned.length + digest.waiting.length === 0 && !lead) {
    body += `<tr><td style="padding:20px 16px;${FONT}font-size:15px;color:#374151;">Nothing of yours is stuck today.</td></tr>`;
  }
  return `<!DOCTYPE html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;-webkit-text-size-adjust:100%;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;">
<tr><td align="center" style="padding:16px 8px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:8px;border-collapse:separate;">
<tr><td style="padding:20px 16px 4px;${FONT}"><div style="font-size:13px;line-height:18px;color:#6b7280;">Threadline · ${escapeHtml(formatDay(digest.day))}</div><div style="font-size:22px;line-height:28px;font-weight:bold;color:#111827;">What's stuck, ${escapeHtml(digest.recipient.name)}</div></td></tr>
${body}
<tr><td style="padding:20px 16px;border-top:1px solid #e5e7eb;${FONT}${WRAP}font-size:12px;line-height:18px;color:#6b7280;">The daily digest of ${escapeHtml(digest.recipient.email)} from <a href="${escapeHtml(publicUrl)}" style="color:#6b7280;">Threadline</a>.</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;
}

/** The whole message of a digest. */
export function renderDigest(digest: Digest, publicUrl: string): RenderedDigest {
  return {
    subject: toSubject(digest),
    text: toDigestText(digest, publicUrl),
    html: toDigestHtml(digest, publicUrl),
  };
}
