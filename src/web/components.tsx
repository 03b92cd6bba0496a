/** The pieces every page is built of. Hono JSX escapes every string it renders; nothing here uses raw HTML. */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Person } from "../model/api-schemas.ts";
import type { FlagKind, SourceId } from "../model/kinds.ts";
import { labelOf, type SourceAbout } from "../model/source-about.ts";
import type { InboxRow } from "../store/inbox-queries.ts";
import { CSS_PATH, JS_PATH, NOSCRIPT_CSS_PATH } from "./assets.ts";
import { escapeHtml } from "./escape-html.ts";
import { type ActionAvailability, flagActionButtons } from "./flag-action-buttons.ts";
import { FLAG_LABELS, personPath, taskPath, toAge, toDateInput, toItemAnchor, toWhen } from "./format.ts";

/** What each page knows about the request it answers. */
export interface PageContext {
  now: Date;
  timeZone: string;
  /** The session's CSRF token; empty on the sign-in page. */
  csrf: string;
  /** This page's path and query, where actions return to. */
  here: string;
  /** The search box's text. */
  q: string;
  /** A message chosen by code after an action (never user text). */
  notice?: { text: string; error: boolean } | undefined;
  /** The registered sources: their names on badges and filters. */
  sources: readonly SourceAbout[];
  /** The style sheet of their badge colours. */
  sourceStylesPath: string;
  /** Who is signed in (absent on the sign-in pages); `personId` null for the local admin. */
  viewer?: { name: string; role: "admin" | "member"; personId?: string | null } | undefined;
  /** The inbox's view: "mine" or "team" (the local admin's only one). */
  view?: InboxView | undefined;
}

export type InboxView = "mine" | "team";

export type NavTarget = "inbox" | "items" | "people" | "sources" | "settings" | "mailbox" | null;

export function Layout(props: {
  title: string;
  ctx: PageContext;
  nav: NavTarget;
  signedIn?: boolean;
  children?: Child;
}) {
  const { ctx } = props;
  const signedIn = props.signedIn ?? true;
  const current = (target: NavTarget) => (props.nav === target ? "page" : undefined);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · Threadline`}</title>
        <link rel="stylesheet" href={CSS_PATH} />
        <link rel="stylesheet" href={ctx.sourceStylesPath} />
        <script src={JS_PATH} defer />
        <noscript>
          <link rel="stylesheet" href={NOSCRIPT_CSS_PATH} />
        </noscript>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        {signedIn && (
          <header class="top">
            <div class="bar">
              <a class="brand" href="/">
                Threadline
              </a>
              <nav aria-label="Main">
                <ul>
                  <li>
                    <a href="/" aria-current={current("inbox")}>
                      Inbox
                    </a>
                  </li>
                  <li>
                    <a href="/items" aria-current={current("items")}>
                      Unlinked
                    </a>
                  </li>
                  <li>
                    <a href="/people" aria-current={current("people")}>
                      People
                    </a>
                  </li>
                  {ctx.viewer?.role === "admin" && (
                    <li>
                      <a href="/sources" aria-current={current("sources")}>
                        Sources
                      </a>
                    </li>
                  )}
                  {ctx.viewer?.personId && (
                    <li>
                      <a href="/settings/tokens" aria-current={current("settings")}>
                        API tokens
                      </a>
                    </li>
                  )}
                  {ctx.viewer?.personId && (
                    <li>
                      <a href="/settings/mailboxes" aria-current={current("mailbox")}>
                        Your mailbox
                      </a>
                    </li>
                  )}
                </ul>
              </nav>
              <search class="search-box">
                <form class="search" method="get" action="/">
                  <label class="visually-hidden" for="q">
                    Search tasks
                  </label>
                  <input
                    type="search"
                    id="q"
                    name="q"
                    value={ctx.q}
                    placeholder="Search: kind:stale person:ana source:slack project:ACME words…"
                    autocomplete="off"
                  />
                  {ctx.view === "team" && <input type="hidden" name="view" value="team" />}
                  <button type="submit">Search</button>
                </form>
              </search>
              <form class="signout" method="post" action="/auth/logout">
                {ctx.viewer && <span class="viewer">{ctx.viewer.name}</span>}
                <input type="hidden" name="_csrf" value={ctx.csrf} />
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            </div>
          </header>
        )}
        <main id="main" tabindex={-1}>
          {ctx.notice && (
            <p class={ctx.notice.error ? "notice error" : "notice"} role="status">
              {ctx.notice.text}
            </p>
          )}
          {props.children}
        </main>
        {signedIn && (
          <footer class="hint">
            <a href="#help" data-help>
              Keyboard shortcuts
            </a>{" "}
            · press <kbd>?</kbd>
          </footer>
        )}
        {signedIn && <HelpDialog />}
      </body>
    </html>
  );
}

/** The help dialog never changes: rendered once. */
let helpMarkup: HtmlEscapedString | undefined;
function HelpDialog() {
  helpMarkup ??= raw(String(<HelpDialogMarkup />));
  return helpMarkup;
}

function HelpDialogMarkup() {
  const keys: Array<[string, string]> = [
    ["j / k", "Next / previous task"],
    ["o or Enter", "Open the selected task"],
    ["s", "Snooze the selected flag"],
    ["e", "Dismiss the selected flag"],
    ["/", "Search"],
    ["?", "This help"],
    ["Esc", "Leave a field, close this help"],
  ];
  return (
    <dialog id="help" aria-labelledby="help-title">
      <h2 id="help-title">Keyboard shortcuts</h2>
      <dl class="keys">
        {keys.map(([k, what]) => (
          <>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{what}</dd>
          </>
        ))}
      </dl>
      <p>
        Search prefixes: <kbd>kind:stale</kbd> <kbd>person:ana</kbd> <kbd>source:slack</kbd>{" "}
        <kbd>project:ACME</kbd> <kbd>is:muted</kbd> <kbd>is:done</kbd> <kbd>is:snoozed</kbd>
      </p>
      <form method="dialog">
        <button type="submit" data-close>
          Close
        </button>
      </form>
    </dialog>
  );
}

export function SourceBadge(props: { source: SourceId; ctx: PageContext }) {
  return <span class={`src src-${props.source}`}>{labelOf(props.ctx.sources, props.source)}</span>;
}

export function PersonLink(props: { person: Person | null; none?: string }) {
  if (!props.person) return <span>{props.none ?? "nobody"}</span>;
  return <a href={personPath(props.person.id)}>{props.person.name}</a>;
}

/** The CSRF token and the page to come back to, in every action form. */
export function FormBasics(props: { ctx: PageContext }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={props.ctx.csrf} />
      <input type="hidden" name="return" value={props.ctx.here} />
    </>
  );
}

/**
 * "For the team" (everyone stops seeing it; the default, as before there were people) or "for me" (only the
 * signed-in person does): offered to a person only, the local admin being nobody in particular.
 */
export function ScopeChoice(props: { ctx: PageContext; id: string }) {
  if (!props.ctx.viewer?.personId) return null;
  return (
    <>
      <label for={props.id}>For</label>
      <select id={props.id} name="scope">
        <option value="team">the team</option>
        <option value="me">me</option>
      </select>
    </>
  );
}

/**
 * The page's one snooze form and one dismiss form, which the buttons of every flag on the page submit
 * (`form=` and `formaction=`), so a page of rows carries two buttons per flag rather than two forms. Without
 * the script they stand above the list: set the date or the reason, then press a flag's button. With it they
 * are hidden (and a flag's button opens them inside its row, as `s` and `e` do); their own submit buttons stay
 * disabled until then, so Enter in a field never submits without a flag.
 */
export function FlagForms(props: { ctx: PageContext }) {
  const { ctx } = props;
  return (
    <div class="flag-forms">
      <p class="meta">Set the date or the reason here, then press the flag's Snooze or Dismiss.</p>
      <form id="snooze-form" class="flag-form" method="post" action="/" data-form="snooze">
        <FormBasics ctx={ctx} />
        <ScopeChoice ctx={ctx} id="snooze-scope" />
        <label for="snooze-until">Snooze until</label>
        <input
          type="date"
          id="snooze-until"
          name="until"
          required
          min={toDateInput(ctx.now, 1)}
          value={toDateInput(ctx.now, 3)}
        />
        <button type="submit" data-submit disabled>
          Snooze
        </button>
      </form>
      <form id="dismiss-form" class="flag-form" method="post" action="/" data-form="dismiss">
        <FormBasics ctx={ctx} />
        <ScopeChoice ctx={ctx} id="dismiss-scope" />
        <label for="dismiss-reason">Reason to dismiss</label>
        <input
          type="text"
          id="dismiss-reason"
          name="reason"
          required
          maxlength={500}
          placeholder="Why it does not apply"
        />
        <button type="submit" data-submit disabled>
          Dismiss
        </button>
      </form>
    </div>
  );
}

// The rows of a list are strings rather than JSX: a page shows up to 70 of them. Each row is one template
// literal whose values go through Hono's own escaping (`escapeToBuffer`, what JSX and `html` use: text and
// attribute values alike; every attribute here is quoted), made a raw string once; nested `html` templates
// cost a String object and a buffer each, which at a few dozen a row was most of the page's garbage.

const esc = escapeHtml;

/**
 * A flag's buttons: the actions that resolve it (links to their previews), then snooze and dismiss, buttons of
 * the page's `FlagForms`; `data-action` is what `s` and `e` press.
 */
export function FlagActions(props: {
  flagId: string;
  kind: FlagKind;
  label: string;
  here: string;
  availability?: readonly ActionAvailability[] | undefined;
}): HtmlEscapedString {
  return raw(flagActionsMarkup(props));
}

function flagActionsMarkup(props: {
  flagId: string;
  kind: FlagKind;
  label: string;
  here: string;
  availability?: readonly ActionAvailability[] | undefined;
}): string {
  const base = esc(`/flags/${encodeURIComponent(props.flagId)}`);
  const label = esc(props.label);
  // Submit buttons (a button's default type) of the forms their `form` names, at the flag's own URL.
  return `<div class="actions">${flagActionButtons(props)}<button form="snooze-form" formaction="${base}/snooze" data-action="snooze" aria-label="Snooze ${label}">Snooze</button>
<button form="dismiss-form" formaction="${base}/dismiss" data-action="dismiss" aria-label="Dismiss ${label}">Dismiss</button></div>`;
}

const pill = (text: string) => `<span class="pill">${esc(text)}</span>`;

/** One flagged task in a list: what, why, who, how long, where. */
export function InboxRowView(props: {
  ctx: PageContext;
  row: InboxRow;
  showKind?: boolean;
}): HtmlEscapedString {
  const { ctx, row } = props;
  const owner = row.owner
    ? `<a href="${esc(personPath(row.owner.id))}">${esc(row.owner.name)}</a>`
    : "<span>no owner</span>";
  const title = row.partOf
    ? `<a data-open href="${esc(taskPath(row.partOf.key))}"><span class="key">${esc(row.partOf.key)}</span> ${esc(row.partOf.title)}</a>
<span class="via">· via <a href="${esc(taskPath(row.taskKey))}">${esc(row.taskKey)}</a></span>`
    : `<a data-open href="${esc(taskPath(row.taskKey))}"><span class="key">${esc(row.taskKey)}</span> ${esc(row.title)}</a>`;
  const waitingOn =
    row.waitingOn.length > 0
      ? `<span class="waiting-on">Waiting on ${row.waitingOn.map((p, n) => `${n > 0 ? ", " : ""}<a href="${esc(personPath(p.id))}">${esc(p.name)}</a>`).join("")}</span>`
      : "";
  const sources = row.sources
    .map((s) => `<span class="src src-${esc(s)}">${esc(labelOf(ctx.sources, s))}</span> `)
    .join("");
  const actions = flagActionsMarkup({
    flagId: row.flagId,
    kind: row.kind,
    label: `${FLAG_LABELS[row.kind]} on ${row.taskKey}`,
    here: ctx.here,
  });
  return raw(`<li class="row" data-row data-task="${esc(row.taskKey)}" data-flag="${esc(row.flagId)}">
<div class="row-title">
${props.showKind ? `<span class="kind">${esc(FLAG_LABELS[row.kind])}</span>` : ""}
${title}
${pill(row.status)}${row.muted ? pill("muted") : ""}${row.done ? pill("marked done") : ""}
${row.state === "snoozed" && row.snoozedUntil ? pill(`snoozed until ${row.snoozedUntil.slice(0, 10)}`) : ""}
</div>
<p class="reason">${esc(row.reason)}</p>
<div class="meta">
<span>Owner: ${owner}</span>
${waitingOn}
<span>Stuck <time datetime="${esc(row.since)}" title="${esc(toWhen(row.since, ctx.timeZone))}">${esc(toAge(row.since, ctx.now))}</time></span>
<span class="sources"><span class="visually-hidden">Sources: </span>${sources}</span>
</div>
${actions}
</li>`);
}

/**
 * A flag as the task page shows it, with every reason it was raised for and links to its evidence on the
 * timeline; a flag of one of the task's pull requests says so.
 */
export function FlagCard(props: {
  ctx: PageContext;
  row: InboxRow;
  taskKey: string;
  /** Which of the flag's actions the sources' credentials allow (from its previews). */
  availability?: readonly ActionAvailability[] | undefined;
}) {
  const { ctx, row } = props;
  return (
    <li class="flag row" data-row data-flag={row.flagId}>
      <div class="row-title">
        <span class="kind">{FLAG_LABELS[row.kind]}</span>
        {row.taskKey !== props.taskKey && (
          <span class="via">
            via <a href={taskPath(row.taskKey)}>{row.taskKey}</a>
          </span>
        )}
        <span>
          since{" "}
          <time datetime={row.since} title={toWhen(row.since, ctx.timeZone)}>
            {toAge(row.since, ctx.now)}
          </time>
        </span>
        <span>
          Owner: <PersonLink person={row.owner} none="no owner" />
        </span>
        {row.waitingOn.length > 0 && (
          <span class="waiting-on">
            Waiting on{" "}
            {row.waitingOn.map((p, n) => (
              <>
                {n > 0 ? ", " : ""}
                <PersonLink person={p} />
              </>
            ))}
          </span>
        )}
      </div>
      {row.reasons.length > 1 ? (
        <ul class="reasons">
          {row.reasons.map((reason) => (
            <li class="reason">{reason}</li>
          ))}
        </ul>
      ) : (
        <p class="reason">{row.reason}</p>
      )}
      {row.evidence.length > 0 && (
        <p class="meta">
          Evidence:{" "}
          {row.evidence.map((id, n) => (
            <>
              <a href={`#${toItemAnchor(id)}`} data-open={n === 0 ? true : undefined}>
                item {n + 1}
              </a>{" "}
            </>
          ))}
        </p>
      )}
      <FlagActions
        flagId={row.flagId}
        kind={row.kind}
        label={`${FLAG_LABELS[row.kind]} on ${row.taskKey}`}
        here={ctx.here}
        availability={props.availability}
      />
    </li>
  );
}
