/** The web view's pages, each a function of the data its route loaded. */
import { html } from "hono/html";
import type { Child } from "hono/jsx";
import type { TaskAction } from "../actions/action-types.ts";
import type { Item, Person, Task } from "../model/api-schemas.ts";
import { FLAG_KINDS, type FlagKind } from "../model/kinds.ts";
import { labelOf } from "../model/source-about.ts";
import type { StateAction, StateHistoryEntry } from "../store/inbox-history.ts";
import type { Inbox, InboxRow } from "../store/inbox-queries.ts";
import type { SavedSearch } from "../store/inbox-state.ts";
import type { MergeSuggestion, SuggestionSide } from "../store/merge-suggestions.ts";
import type { TimelineEntry } from "../store/task-queries.ts";
import { isPendingAction, PendingItems, TaskActions } from "./action-pages.tsx";
import {
  FlagCard,
  FlagForms,
  FormBasics,
  InboxRowView,
  Layout,
  type PageContext,
  PersonLink,
  SourceBadge,
} from "./components.tsx";
import type { ActionAvailability } from "./flag-action-buttons.ts";
import {
  FLAG_LABELS,
  ITEM_LABELS,
  inboxPath,
  personPath,
  taskPath,
  toAge,
  toItemAnchor,
  toSafeUrl,
  toWhen,
} from "./format.ts";
import { hasBlockedImages, sanitizeEmailForDisplay } from "./sanitize.ts";
import { type InboxSearch, toggleFilter, toSearchText } from "./search-syntax.ts";
import type { ThreadNode } from "./thread-tree.ts";

// ---------------------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------------------

/** The sign-in page: the team's provider when OIDC is configured, else the API token form. */
export function SigninPage(
  props:
    | { ctx: PageContext; provider: true; next: string }
    | { ctx: PageContext; provider?: false; token: string; next: string; failed: boolean },
) {
  return (
    <Layout title="Sign in" ctx={props.ctx} nav={null} signedIn={false}>
      <section class="signin" aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Threadline</h1>
        {props.provider ? (
          <>
            <p>
              <a class="button" href={`/auth/login?next=${encodeURIComponent(props.next)}`}>
                Sign in with your team account
              </a>
            </p>
            <p class="meta">Only verified addresses in the team's email domains can sign in.</p>
          </>
        ) : (
          <>
            {props.failed && (
              <p class="notice error" role="alert">
                That token is not this deployment's API token.
              </p>
            )}
            <form method="post" action="/signin">
              <input type="hidden" name="_signin" value={props.token} />
              <input type="hidden" name="next" value={props.next} />
              <label for="token">API token</label>
              <input type="password" id="token" name="token" required autocomplete="current-password" />
              <button type="submit">Sign in</button>
            </form>
            <p class="meta">
              The token is <code>THREADLINE_API_TOKEN</code>, or the one the server generated and printed on
              its first start.
            </p>
          </>
        )}
      </section>
    </Layout>
  );
}

/** Sign-in refused: an address outside the team, an unverified one, or a sign-in that did not check out. */
export function RefusedPage(props: { ctx: PageContext; what: string }) {
  return (
    <Layout title="Not signed in" ctx={props.ctx} nav={null} signedIn={false}>
      <section class="signin" aria-labelledby="refused-title">
        <h1 id="refused-title">You are not signed in</h1>
        <p class="notice error" role="alert">
          {props.what}
        </p>
        <p>
          <a href="/signin">Back to sign-in</a>
        </p>
      </section>
    </Layout>
  );
}

/** Too many failed sign-ins from this address: when the next attempt is heard. */
export function ThrottledPage(props: { ctx: PageContext; seconds: number }) {
  const wait = props.seconds < 120 ? `${props.seconds} seconds` : `${Math.ceil(props.seconds / 60)} minutes`;
  return (
    <Layout title="Too many attempts" ctx={props.ctx} nav={null} signedIn={false}>
      <section class="signin" aria-labelledby="throttled-title">
        <h1 id="throttled-title">Too many sign-in attempts</h1>
        <p class="notice error" role="alert">
          Too many failed sign-ins came from your address. Try again in {wait}.
        </p>
      </section>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Inbox
// ---------------------------------------------------------------------------------------------------------

export interface InboxPageData {
  search: InboxSearch;
  inbox: Inbox;
  others: Array<{ key: string; title: string; status: string; lastActivityAt: string }>;
  saved: SavedSearch[];
  /** Rows per kind shown; "show all" links to the kind alone. */
  perKind: number;
  page: number;
  /** How many flags each view shows (`mine` null: the viewer is nobody in particular, Team only). */
  views: { mine: number | null; team: number };
}

/** A link of the sidebar: a template, as the rows are (see components.tsx); the sidebar has fifteen. */
function FilterLink(props: { href: string; active: boolean; label: string; count?: number | undefined }) {
  return html`<li><a href="${props.href}"${props.active ? html` aria-current="true"` : null}><span>${props.label}</span>${
    props.count !== undefined ? html`<span class="count">${props.count}</span>` : null
  }</a></li>`;
}

export function InboxPage(props: { ctx: PageContext; data: InboxPageData }) {
  const { ctx, data } = props;
  const { search, inbox } = data;
  const total = FLAG_KINDS.reduce((n, k) => n + inbox.counts[k], 0);
  const href = (s: InboxSearch) => inboxPath(toSearchText(s), ctx.view);
  const single = search.kinds.length === 1;
  const isLink = (value: "muted" | "done" | "snoozed", label: string) => {
    const active = search.is.includes(value);
    const next = { ...search, is: active ? search.is.filter((v) => v !== value) : [value] };
    return <FilterLink href={href(next)} active={active} label={label} />;
  };
  return (
    <Layout title="Inbox" ctx={ctx} nav="inbox">
      <div class="layout">
        <aside class="filters" aria-label="Filters">
          <h2>Needs attention</h2>
          <ul>
            <FilterLink
              href={href({ ...search, kinds: [] })}
              active={search.kinds.length === 0}
              label="Everything"
              count={total}
            />
            {FLAG_KINDS.map((kind) => (
              <FilterLink
                href={href({ ...search, kinds: search.kinds.includes(kind) && single ? [] : [kind] })}
                active={search.kinds.includes(kind)}
                label={FLAG_LABELS[kind]}
                count={inbox.counts[kind]}
              />
            ))}
          </ul>
          <h2>Source</h2>
          <ul>
            {ctx.sources.map(({ id, label }) => (
              <FilterLink
                href={href(toggleFilter(search, "sources", id))}
                active={search.sources.includes(id)}
                label={label}
              />
            ))}
          </ul>
          <h2>Show</h2>
          <ul>
            {isLink("snoozed", "Snoozed flags")}
            {isLink("muted", "Muted tasks")}
            {isLink("done", "Marked done")}
          </ul>
          <h2>Saved searches</h2>
          {data.saved.length === 0 ? (
            <p class="meta">None yet: search, then save it.</p>
          ) : (
            <ul>
              {data.saved.map((s) => (
                <li>
                  <a
                    href={inboxPath(s.query, ctx.view)}
                    aria-current={s.query === ctx.q ? "true" : undefined}
                  >
                    <span>{s.name}</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </aside>
        <div>
          <h1>
            {ctx.view === "mine" ? "Mine" : "Inbox"} <span class="count">{total} flags</span>
          </h1>
          {data.views.mine !== null && (
            <nav class="views" aria-label="Views">
              <a href={inboxPath(ctx.q, "mine")} aria-current={ctx.view === "mine" ? "page" : undefined}>
                Mine <span class="count">{data.views.mine}</span>
              </a>{" "}
              <a href={inboxPath(ctx.q, "team")} aria-current={ctx.view === "team" ? "page" : undefined}>
                Team <span class="count">{data.views.team}</span>
              </a>
            </nav>
          )}
          {search.problems.length > 0 && (
            <div class="notice error" role="alert">
              <p>Part of the search was not understood:</p>
              <ul>
                {search.problems.map((p) => (
                  <li>{p}</li>
                ))}
              </ul>
            </div>
          )}
          {ctx.q !== "" && <SaveSearchForm ctx={ctx} saved={data.saved} />}
          {inbox.groups.length === 0 && (
            <p class="empty">
              {ctx.q ? "Nothing stuck matches this search." : "Nothing is stuck. Every task is moving."}
            </p>
          )}
          {inbox.groups.length > 0 && <FlagForms ctx={ctx} />}
          {inbox.groups.map((group) => (
            <section class="group" aria-labelledby={`group-${group.kind}`}>
              <h2 id={`group-${group.kind}`}>
                {FLAG_LABELS[group.kind]} <span class="count">{group.total}</span>
              </h2>
              <ol class="rows">
                {group.rows.map((row) => (
                  <InboxRowView ctx={ctx} row={row} />
                ))}
              </ol>
              <Pager ctx={ctx} data={data} kind={group.kind} total={group.total} shown={group.rows.length} />
            </section>
          ))}
          {data.others.length > 0 && (
            <section aria-labelledby="others">
              <h2 id="others">Other tasks matching</h2>
              <ol class="rows">
                {data.others.map((t) => (
                  <li class="row" data-row>
                    <div class="row-title">
                      <a data-open href={taskPath(t.key)}>
                        <span class="key">{t.key}</span> {t.title}
                      </a>
                      <span class="pill">{t.status}</span>
                    </div>
                    <p class="meta">Last activity {toAge(t.lastActivityAt, ctx.now)} ago</p>
                  </li>
                ))}
              </ol>
            </section>
          )}
        </div>
      </div>
    </Layout>
  );
}

function Pager(props: {
  ctx: PageContext;
  data: InboxPageData;
  kind: FlagKind;
  total: number;
  shown: number;
}) {
  const { data, kind, total, shown } = props;
  const single = data.search.kinds.length === 1;
  const shownUpTo = data.page * data.perKind + shown;
  if (!single) {
    if (total <= shown) return null;
    return (
      <p class="more">
        <a href={inboxPath(toSearchText({ ...data.search, kinds: [kind] }), props.ctx.view)}>
          Show all {total} {FLAG_LABELS[kind].toLowerCase()}
        </a>
      </p>
    );
  }
  const at = (page: number) => {
    const path = inboxPath(props.ctx.q, props.ctx.view);
    return `${path}${path.includes("?") ? "&" : "?"}page=${page}`;
  };
  return (
    <nav class="more" aria-label="Pages">
      {data.page > 0 && <a href={at(data.page - 1)}>Previous</a>}{" "}
      <span class="meta">
        {data.page * data.perKind + 1}–{shownUpTo} of {total}
      </span>{" "}
      {shownUpTo < total && <a href={at(data.page + 1)}>Next</a>}
    </nav>
  );
}

function SaveSearchForm(props: { ctx: PageContext; saved: SavedSearch[] }) {
  const { ctx } = props;
  const existing = props.saved.find((s) => s.query === ctx.q);
  return (
    <div class="actions">
      <form class="inline" method="post" action="/searches">
        <FormBasics ctx={ctx} />
        <input type="hidden" name="query" value={ctx.q} />
        <label for="search-name">Save this search as</label>
        <input
          type="text"
          id="search-name"
          name="name"
          required
          maxlength={80}
          value={existing?.name ?? ""}
        />
        <button type="submit" class="secondary">
          Save
        </button>
      </form>
      {existing && (
        <form class="inline" method="post" action={`/searches/${existing.id}/delete`}>
          <FormBasics ctx={ctx} />
          <button type="submit" class="secondary">
            Delete saved search “{existing.name}”
          </button>
        </form>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Task page
// ---------------------------------------------------------------------------------------------------------

export interface TaskPageData {
  task: Task;
  flags: InboxRow[];
  timeline: ThreadNode<TimelineEntry>[];
  state: { mutedAt: string | null; doneAt: string | null; done: boolean };
  /** The viewer's own state of the task (null: the local admin, who has none). */
  own: { muted: boolean; done: boolean } | null;
  /** Who changed what of the task and its flags, newest first. */
  history: StateHistoryEntry[];
  /** The actions taken on the task's flags, oldest first. */
  actions: TaskAction[];
  /** Per flag id: which of its actions the sources' credentials allow (absent: not known). */
  availability: ReadonlyMap<string, ActionAvailability[]>;
}

const isKind = (kind: string): kind is FlagKind => (FLAG_KINDS as readonly string[]).includes(kind);

const ACTION_LABELS: Record<StateAction, string> = {
  snoozed: "snoozed",
  dismissed: "dismissed",
  muted: "muted the task",
  unmuted: "unmuted the task",
  done: "marked the task done",
  undone: "took back the task's done",
};

/** The task's history of state changes: who, what, when, why, for whom. */
function StateHistory(props: { ctx: PageContext; history: StateHistoryEntry[] }) {
  const { ctx } = props;
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {props.history.length === 0 ? (
        <p class="empty">Nobody has snoozed, dismissed, muted or marked anything done here.</p>
      ) : (
        <table class="list history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">For</th>
              <th scope="col">Why / until</th>
            </tr>
          </thead>
          <tbody>
            {props.history.map((h) => (
              <tr data-history>
                <td>
                  <time datetime={h.at}>{toWhen(h.at, ctx.timeZone)}</time>
                </td>
                <td>{h.by}</td>
                <td>
                  {ACTION_LABELS[h.action]}
                  {h.flagId &&
                    ` the ${h.flagKind && isKind(h.flagKind) ? FLAG_LABELS[h.flagKind].toLowerCase() : "flag"} flag`}
                </td>
                <td>{h.scope === "me" ? "themselves" : "the team"}</td>
                <td>{h.reason ?? (h.until ? `until ${toWhen(h.until, ctx.timeZone)}` : "")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function TaskPage(props: { ctx: PageContext; data: TaskPageData }) {
  const { ctx, data } = props;
  const { task } = data;
  const evidence = new Map<string, FlagKind[]>();
  for (const f of data.flags) {
    for (const id of f.evidence) evidence.set(id, [...(evidence.get(id) ?? []), f.kind]);
  }
  const base = `${taskPath(task.key)}`;
  const sourceUrl = toSafeUrl(task.url);
  const itemCount = data.timeline.reduce((n, node) => n + 1 + node.replies.length, 0);
  const hasPending = data.actions.some(isPendingAction);
  return (
    <Layout title={`${task.key} ${task.title}`} ctx={ctx} nav={null}>
      <section class="task-head" aria-labelledby="task-title">
        <h1 id="task-title">
          <span class="key">{task.key}</span> {task.title}
        </h1>
        <div class="meta">
          <SourceBadge source={task.source} ctx={ctx} />
          <span class="pill">{task.status}</span>
          <span>
            Assignee: <PersonLink person={task.assignee} none="nobody" />
          </span>
          <span>
            Last activity{" "}
            <time datetime={task.lastActivityAt} title={toWhen(task.lastActivityAt, ctx.timeZone)}>
              {toAge(task.lastActivityAt, ctx.now)} ago
            </time>
          </span>
          {sourceUrl && (
            <a href={sourceUrl} rel="noopener noreferrer" target="_blank">
              Open in {labelOf(ctx.sources, task.source)}
            </a>
          )}
        </div>
        <div class="actions">
          <form class="inline" method="post" action={`${base}/${data.state.mutedAt ? "unmute" : "mute"}`}>
            <FormBasics ctx={ctx} />
            <button type="submit" class="secondary">
              {data.state.mutedAt ? "Unmute" : "Mute task"}
            </button>
          </form>
          <form class="inline" method="post" action={`${base}/${data.state.done ? "undone" : "done"}`}>
            <FormBasics ctx={ctx} />
            <button type="submit" class="secondary">
              {data.state.done ? "Back to the inbox" : "Mark done"}
            </button>
          </form>
          {data.state.mutedAt && <span class="pill">muted</span>}
          {data.state.done && <span class="pill">marked done: back on new activity</span>}
        </div>
        {data.own && (
          <div class="actions">
            <form class="inline" method="post" action={`${base}/${data.own.muted ? "unmute" : "mute"}`}>
              <FormBasics ctx={ctx} />
              <input type="hidden" name="scope" value="me" />
              <button type="submit" class="secondary">
                {data.own.muted ? "Unmute for me" : "Mute for me"}
              </button>
            </form>
            <form class="inline" method="post" action={`${base}/${data.own.done ? "undone" : "done"}`}>
              <FormBasics ctx={ctx} />
              <input type="hidden" name="scope" value="me" />
              <button type="submit" class="secondary">
                {data.own.done ? "Back to my inbox" : "Mark done for me"}
              </button>
            </form>
            {data.own.muted && <span class="pill">muted for me</span>}
            {data.own.done && <span class="pill">done for me: back on new activity</span>}
          </div>
        )}
      </section>
      <section aria-labelledby="flags-title">
        <h2 id="flags-title">Why it is stuck</h2>
        {data.flags.length === 0 ? (
          <p class="empty">No open flags on this task.</p>
        ) : (
          <>
            <FlagForms ctx={ctx} />
            <ol class="rows flags">
              {data.flags.map((row) => (
                <FlagCard
                  ctx={ctx}
                  row={row}
                  taskKey={data.task.key}
                  availability={data.availability.get(row.flagId)}
                />
              ))}
            </ol>
          </>
        )}
      </section>
      <TaskActions ctx={ctx} actions={data.actions} />
      <StateHistory ctx={ctx} history={data.history} />
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">
          Timeline <span class="count">{itemCount} items</span>
        </h2>
        {data.timeline.length === 0 && !hasPending ? (
          <p class="empty">Nothing has happened on this task yet.</p>
        ) : (
          <ol class="timeline">
            {data.timeline.map((node) => (
              <li>
                <TimelineItem ctx={ctx} item={node.item} evidence={evidence}>
                  {node.replies.length > 0 && (
                    <ol class="replies" aria-label="Replies">
                      {node.replies.map((reply) => (
                        <li>
                          <TimelineItem ctx={ctx} item={reply} evidence={evidence} />
                        </li>
                      ))}
                    </ol>
                  )}
                </TimelineItem>
              </li>
            ))}
            <PendingItems ctx={ctx} actions={data.actions} />
          </ol>
        )}
      </section>
    </Layout>
  );
}

function TimelineItem(props: {
  ctx: PageContext;
  item: TimelineEntry;
  evidence: Map<string, FlagKind[]>;
  children?: Child;
}) {
  const { ctx, item } = props;
  const anchor = toItemAnchor(item.id);
  const flagged = props.evidence.get(item.id);
  const url = toSafeUrl(item.url);
  const html = item.html ? sanitizeEmailForDisplay(item.html) : null;
  const bodyId = `${anchor}-body`;
  return (
    <article
      id={anchor}
      class={flagged ? "item evidence" : "item"}
      data-source={item.source}
      data-item={item.id}
      aria-label={`${labelOf(ctx.sources, item.source)} ${item.kind.replace(/_/g, " ")}`}
    >
      <header class="item-head">
        <SourceBadge source={item.source} ctx={ctx} />
        <strong>{item.author?.name ?? "Someone"}</strong>
        {item.unverifiedSender !== null && (
          <span
            class="pill unverified"
            title={`The receiving server could not confirm this sender's address${item.unverifiedSender ? ` (${item.unverifiedSender})` : ""}: it may not be from whom it says, and counts as no approval or answer.`}
          >
            unverified sender
          </span>
        )}
        <span>{ITEM_LABELS[item.kind]}</span>
        {item.via && (
          <a class="via" href={taskPath(item.via)}>
            via {item.via}
          </a>
        )}
        {url ? (
          <a href={url} rel="noopener noreferrer" target="_blank">
            <time datetime={item.at}>{toWhen(item.at, ctx.timeZone)}</time>
          </a>
        ) : (
          <time datetime={item.at}>{toWhen(item.at, ctx.timeZone)}</time>
        )}
        {flagged?.map((k) => (
          <span class="kind">Evidence: {FLAG_LABELS[k]}</span>
        ))}
      </header>
      {item.subject && <p class="email-subject">{item.subject}</p>}
      {html !== null ? (
        <>
          {hasBlockedImages(html) && (
            <p class="meta">
              <button type="button" class="secondary" data-load-images={bodyId}>
                Load remote images
              </button>
            </p>
          )}
          <div class="email-body" id={bodyId} dangerouslySetInnerHTML={{ __html: html }} />
        </>
      ) : (
        item.text !== "" && <p class="text">{item.text}</p>
      )}
      {html === null && item.bodyText && item.bodyText.trim() !== item.text.trim() && (
        <details class="whole">
          <summary>The whole message</summary>
          <p class="text">{item.bodyText}</p>
        </details>
      )}
      {props.children}
    </article>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Unlinked items, people
// ---------------------------------------------------------------------------------------------------------

export function UnlinkedPage(props: { ctx: PageContext; items: Item[]; next: string | null }) {
  const { ctx } = props;
  return (
    <Layout title="Unlinked" ctx={ctx} nav="items">
      <h1>Discussed but never put on a task</h1>
      {props.items.length === 0 ? (
        <p class="empty">Every item is on a task.</p>
      ) : (
        <ol class="rows">
          {props.items.map((item) => {
            const url = toSafeUrl(item.url);
            const field = `task-${toItemAnchor(item.id)}`;
            return (
              <li class="row" data-row data-item={item.id}>
                <div class="item-head">
                  <SourceBadge source={item.source} ctx={ctx} />
                  <strong>{item.author?.name ?? "Someone"}</strong>
                  <span>{ITEM_LABELS[item.kind]}</span>
                  {url ? (
                    <a data-open href={url} rel="noopener noreferrer" target="_blank">
                      <time datetime={item.at}>{toWhen(item.at, ctx.timeZone)}</time>
                    </a>
                  ) : (
                    <time datetime={item.at}>{toWhen(item.at, ctx.timeZone)}</time>
                  )}
                </div>
                <p class="text">{item.text.length > 600 ? `${item.text.slice(0, 600)}…` : item.text}</p>
                <form class="inline" method="post" action={`/items/${encodeURIComponent(item.id)}/link`}>
                  <FormBasics ctx={ctx} />
                  <label for={field}>Put on task</label>
                  <input
                    type="text"
                    id={field}
                    name="taskKey"
                    required
                    placeholder="ACME-12"
                    maxlength={200}
                  />
                  <button type="submit" class="secondary">
                    Link
                  </button>
                </form>
              </li>
            );
          })}
        </ol>
      )}
      {props.next && (
        <p class="more">
          <a href={`/items?cursor=${encodeURIComponent(props.next)}`}>Older items</a>
        </p>
      )}
    </Layout>
  );
}

/** One side of a suggested merge: the person and every account they hold, for a human to compare. */
function SuggestionEvidence(props: { side: SuggestionSide; ctx: PageContext }) {
  const { person, identities } = props.side;
  return (
    <div class="evidence">
      <p>
        <a href={personPath(person.id)}>{person.name}</a> · {person.email ?? "no email known"}
      </p>
      <ul>
        {identities.map((i) => (
          <li>
            {labelOf(props.ctx.sources, i.source)} account <code>{i.account}</code>
            {i.displayName ? ` · ${i.displayName}` : ""} · {i.email ?? "no email"}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Suggested merges on top of the People page: each with its evidence, "Merge" and "Not the same person". */
function MergeSuggestions(props: { ctx: PageContext; suggestions: MergeSuggestion[] }) {
  const { ctx } = props;
  return (
    <section aria-labelledby="suggestions">
      <h2 id="suggestions">
        Suggested merges <span class="count">{props.suggestions.length}</span>
      </h2>
      <p class="meta">
        The sources did not agree on an email, but the names match. Nothing is merged until you say so (or the
        people file does).
      </p>
      <ol class="rows suggestions">
        {props.suggestions.map((s) => (
          <li class="suggestion" data-member={s.member.person.id} data-other={s.other.person.id}>
            <p>
              <strong>{s.name}</strong>: the same person?
            </p>
            <div class="two-col">
              <SuggestionEvidence side={s.member} ctx={ctx} />
              <SuggestionEvidence side={s.other} ctx={ctx} />
            </div>
            <form class="inline" method="post" action={`${personPath(s.other.person.id)}/merge`}>
              <FormBasics ctx={ctx} />
              <input type="hidden" name="into" value={s.member.person.id} />
              <button type="submit">Merge</button>
            </form>
            <form class="inline" method="post" action="/merge-suggestions/dismiss">
              <FormBasics ctx={ctx} />
              <input type="hidden" name="a" value={s.member.person.id} />
              <input type="hidden" name="b" value={s.other.person.id} />
              <button type="submit" class="secondary">
                Not the same person
              </button>
            </form>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function PeoplePage(props: {
  ctx: PageContext;
  people: Array<Person & { isBot: boolean; tasks: number }>;
  suggestions: MergeSuggestion[];
}) {
  return (
    <Layout title="People" ctx={props.ctx} nav="people">
      <h1>People</h1>
      {props.suggestions.length > 0 && <MergeSuggestions ctx={props.ctx} suggestions={props.suggestions} />}
      <table class="list">
        <caption class="visually-hidden">Everyone Threadline knows, across sources</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Assigned tasks</th>
          </tr>
        </thead>
        <tbody>
          {props.people.map((p) => (
            <tr>
              <td>
                <a href={personPath(p.id)}>{p.name}</a> {p.isBot && <span class="pill">bot</span>}
              </td>
              <td>{p.email ?? "—"}</td>
              <td class="count">{p.tasks}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

export function PersonPage(props: {
  ctx: PageContext;
  person: Person;
  owes: InboxRow[];
  waitsOn: InboxRow[];
  others: Person[];
}) {
  const { ctx, person } = props;
  return (
    <Layout title={person.name} ctx={ctx} nav="people">
      <h1>{person.name}</h1>
      <p class="meta">
        {person.email ?? "no email known"} ·{" "}
        <a
          href={inboxPath(
            toSearchText({ kinds: [], people: [person.id], sources: [], projects: [], is: [], text: "" }),
            "team",
          )}
        >
          their inbox
        </a>
      </p>
      {props.owes.length + props.waitsOn.length > 0 && <FlagForms ctx={ctx} />}
      <div class="two-col">
        <section aria-labelledby="owes">
          <h2 id="owes">
            What they own <span class="count">{props.owes.length}</span>
          </h2>
          {props.owes.length === 0 ? (
            <p class="empty">{person.name} owns nothing stuck.</p>
          ) : (
            <ol class="rows">
              {props.owes.map((row) => (
                <InboxRowView ctx={ctx} row={row} showKind />
              ))}
            </ol>
          )}
        </section>
        <section aria-labelledby="waits">
          <h2 id="waits">
            Waiting on them <span class="count">{props.waitsOn.length}</span>
          </h2>
          {props.waitsOn.length === 0 ? (
            <p class="empty">Nothing waits on {person.name}.</p>
          ) : (
            <ol class="rows">
              {props.waitsOn.map((row) => (
                <InboxRowView ctx={ctx} row={row} showKind />
              ))}
            </ol>
          )}
        </section>
      </div>
      {ctx.viewer?.role === "admin" && (
        <section aria-labelledby="sessions">
          <h2 id="sessions">Sessions</h2>
          <form class="inline" method="post" action={`${personPath(person.id)}/sessions/revoke`}>
            <FormBasics ctx={ctx} />
            <button type="submit">Sign {person.name} out everywhere</button>
          </form>
        </section>
      )}
      <section aria-labelledby="merge">
        <h2 id="merge">Same human, two accounts?</h2>
        <form class="inline" method="post" action={`${personPath(person.id)}/merge`}>
          <FormBasics ctx={ctx} />
          <label for="into">Merge {person.name} into</label>
          <select id="into" name="into" required>
            <option value="">Choose a person…</option>
            {props.others.map((p) => (
              <option value={p.id}>
                {p.name}
                {p.email ? ` <${p.email}>` : ""}
              </option>
            ))}
          </select>
          <button type="submit" class="secondary">
            Merge
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function NotFoundPage(props: { ctx: PageContext; what: string }) {
  return (
    <Layout title="Not found" ctx={props.ctx} nav={null}>
      <h1>Not found</h1>
      <p class="empty">{props.what}</p>
      <p>
        <a href="/">Back to the inbox</a>
      </p>
    </Layout>
  );
}
