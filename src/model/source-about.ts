/**
 * What the product says about a source, as its connector describes it (`connectors/<source>/about.ts`). The
 * registry is the one list of them: the core never names a source itself, it takes these descriptors as a
 * parameter (the rules through their settings, the web and the digest through their deps), so a source
 * registered in one line is named, coloured and linked everywhere at once.
 */
import type { LinkContext } from "../linking/context.ts";
import type { SourceId } from "./kinds.ts";

/** The environment as connectors read it. */
export type SourceEnv = Readonly<Record<string, string | undefined>>;

/** A source's facts. Pure data (and one pure function): no SDK, no I/O, so the core and the Worker load it. */
export interface SourceAbout<Id extends SourceId = SourceId> {
  /** Its id: the registry key, the `source` column, the `jira:` prefix of item ids, `--source NAME`. */
  readonly id: Id;
  /** As people write it on a badge or a link: `Jira`, `GitHub`, `Teams`. */
  readonly label: string;
  /** How a sentence says where something was said: `on Jira`, `by email`, `in Slack`. */
  readonly place: string;
  /** The badge's background, `#rrggbb`; its text is white, so pick a dark colour. */
  readonly badgeColor: string;
  /**
   * Whether an account here makes its holder a team member when no email address says otherwise: true for the
   * organisation's own tools (Jira, GitHub, Slack, Teams), false where anyone can write (email).
   */
  readonly teamAccounts: boolean;
  /** The variables that configure it, for messages (`set JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN`). */
  readonly envVars: readonly string[];
  /** What it reads, in a few words, for `threadline backfill --help`: `issues, comments and history of JIRA_PROJECTS`. */
  readonly help: string;
  /**
   * What the linker learns from its settings: task key patterns and the web addresses of its tasks. Called
   * whether or not the source is configured (GitHub's public web address links either way).
   */
  linkHints?(env: SourceEnv): Partial<LinkContext>;
}

const ID = /^[a-z][a-z0-9_-]*$/;
const COLOR = /^#[0-9a-f]{6}$/i;

/**
 * The descriptors as the core takes them, checked once: an id that could not be a CSS class or a CLI value, a
 * colour that could not go in a style sheet, or two sources under one id is a bug in the registry.
 */
export function toSourceList(abouts: Iterable<SourceAbout>): readonly SourceAbout[] {
  const list = [...abouts];
  const seen = new Set<string>();
  for (const about of list) {
    if (!ID.test(about.id))
      throw new Error(`[threadline] [${about.id}] a source id is lower-case a-z, 0-9, - or _`);
    if (!COLOR.test(about.badgeColor)) {
      throw new Error(`[threadline] [${about.id}] badgeColor must be #rrggbb, not ${about.badgeColor}`);
    }
    if (seen.has(about.id)) throw new Error(`[threadline] [${about.id}] is registered twice`);
    seen.add(about.id);
  }
  return list;
}

/**
 * A source's descriptor; for an id no registered source has (rows left by a source since removed) one that
 * names it by its id, so nothing breaks on old data.
 */
export function aboutSource(sources: readonly SourceAbout[], id: SourceId): SourceAbout {
  return (
    sources.find((s) => s.id === id) ?? {
      id,
      label: id,
      place: `on ${id}`,
      badgeColor: "#6b7280",
      teamAccounts: false,
      envVars: [],
      help: "",
    }
  );
}

/** `Slack`, or the id of a source no longer registered. */
export const labelOf = (sources: readonly SourceAbout[], id: SourceId) => aboutSource(sources, id).label;
