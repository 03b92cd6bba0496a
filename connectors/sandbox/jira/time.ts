/**
 * Jira writes times in the time zone of the user who asks (`2024-09-12T19:21:32.992+0000`, `…-0700`), and
 * reads JQL date literals (`"2024-09-12 19:21"`) in that same zone. The sandbox does both, so a connector
 * that forgets it fails here as it would against a real site.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC of `zone` at `at`. */
export function offsetMinutes(zone: string, at: number): number {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    formatters.set(zone, formatter);
  }
  const part = formatter.formatToParts(new Date(at)).find((p) => p.type === "timeZoneName")?.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(part ?? "GMT");
  if (!m?.[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === "-" ? -minutes : minutes;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2024-09-12T21:21:32.992+0200`: an instant as Jira's REST API writes it for a user in `zone`. */
export function formatJiraTime(at: number, zone: string): string {
  const offset = offsetMinutes(zone, at);
  const local = new Date(at + offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `.${pad(local.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

/** `2024-09-12`: a date-only field (due date) as Jira writes it. */
export function formatJiraDate(at: number, zone: string): string {
  return formatJiraTime(at, zone).slice(0, 10);
}

/**
 * The instant a JQL date literal means for a user in `zone`: `yyyy-MM-dd`, `yyyy/MM/dd`, optionally with
 * ` HH:mm`. Null when the literal is not one of those.
 */
export function parseJqlDate(literal: string, zone: string): number | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(literal.trim());
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  // The offset at the wall time itself, found in two steps (right except inside a DST gap).
  const first = wall - offsetMinutes(zone, wall) * 60_000;
  return wall - offsetMinutes(zone, first) * 60_000;
}
