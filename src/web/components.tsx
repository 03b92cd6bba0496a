/** The pieces every page is built of. Hono JSX escapes every string it renders; nothing here uses raw HTML. */
import type { Child } from "hono/jsx";
import type { Person } from "../model/api-schemas.ts";
import type { SourceId } from "../model/kinds.ts";
import type { InboxRow } from "../store/inbox-queries.ts";
import { CSS_PATH, JS_PATH } from "./assets.ts";
import {
  FLAG_LABELS,
  personPath,
  SOURCE_LABELS,
  taskPath,
  toAge,
  toDateInput,
  toItemAnchor,
  toWhen,
} from "./format.ts";

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
}

export type NavTarget = "inbox" | "items" | "people" | null;

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
        <script src={JS_PATH} defer />
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
                  <button type="submit">Search</button>
                </form>
              </search>
              <form class="signout" method="post" action="/signout">
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

function HelpDialog() {
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

export function SourceBadge(props: { source: SourceId }) {
  return <span class={`src src-${props.source}`}>{SOURCE_LABELS[props.source]}</span>;
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

/** Snooze and dismiss of one flag; `data-action` lets the `s` and `e` keys open them. */
export function FlagActions(props: { ctx: PageContext; flagId: string; label: string }) {
  const { ctx, flagId } = props;
  const base = `/flags/${encodeURIComponent(flagId)}`;
  const id = flagId.replace(/[^A-Za-z0-9_-]/g, "");
  return (
    <div class="actions">
      <details class="action" data-action="snooze">
        <summary>Snooze</summary>
        <form method="post" action={`${base}/snooze`}>
          <FormBasics ctx={ctx} />
          <label for={`until-${id}`}>Until</label>
          <input
            type="date"
            id={`until-${id}`}
            name="until"
            required
            min={toDateInput(ctx.now, 1)}
            value={toDateInput(ctx.now, 3)}
          />
          <button type="submit" aria-label={`Snooze ${props.label}`}>
            Snooze
          </button>
        </form>
      </details>
      <details class="action" data-action="dismiss">
        <summary>Dismiss</summary>
        <form method="post" action={`${base}/dismiss`}>
          <FormBasics ctx={ctx} />
          <label for={`reason-${id}`}>Reason</label>
          <input
            type="text"
            id={`reason-${id}`}
            name="reason"
            required
            maxlength={500}
            placeholder="Why it does not apply"
          />
          <button type="submit" aria-label={`Dismiss ${props.label}`}>
            Dismiss
          </button>
        </form>
      </details>
    </div>
  );
}

/** One flagged task in a list: what, why, who, how long, where. */
export function InboxRowView(props: { ctx: PageContext; row: InboxRow; showKind?: boolean }) {
  const { ctx, row } = props;
  return (
    <li class="row" data-row data-task={row.taskKey} data-flag={row.flagId}>
      <div class="row-title">
        {props.showKind && <span class="kind">{FLAG_LABELS[row.kind]}</span>}
        <a data-open href={taskPath(row.taskKey)}>
          <span class="key">{row.taskKey}</span> {row.title}
        </a>
        <span class="pill">{row.status}</span>
        {row.muted && <span class="pill">muted</span>}
        {row.done && <span class="pill">marked done</span>}
        {row.state === "snoozed" && row.snoozedUntil && (
          <span class="pill">snoozed until {row.snoozedUntil.slice(0, 10)}</span>
        )}
      </div>
      <p class="reason">{row.reason}</p>
      <div class="meta">
        <span>
          Owner: <PersonLink person={row.owner} none="no owner" />
        </span>
        <span>
          Stuck{" "}
          <time datetime={row.since} title={toWhen(row.since, ctx.timeZone)}>
            {toAge(row.since, ctx.now)}
          </time>
        </span>
        <span class="sources">
          <span class="visually-hidden">Sources: </span>
          {row.sources.map((s) => (
            <>
              <SourceBadge source={s} />{" "}
            </>
          ))}
        </span>
      </div>
      <FlagActions ctx={ctx} flagId={row.flagId} label={`${FLAG_LABELS[row.kind]} on ${row.taskKey}`} />
    </li>
  );
}

/** A flag as the task page shows it, with links to its evidence on the timeline. */
export function FlagCard(props: { ctx: PageContext; row: InboxRow }) {
  const { ctx, row } = props;
  return (
    <li class="flag row" data-row data-flag={row.flagId}>
      <div class="row-title">
        <span class="kind">{FLAG_LABELS[row.kind]}</span>
        <span>
          since{" "}
          <time datetime={row.since} title={toWhen(row.since, ctx.timeZone)}>
            {toAge(row.since, ctx.now)}
          </time>
        </span>
        <span>
          Owner: <PersonLink person={row.owner} none="no owner" />
        </span>
      </div>
      <p class="reason">{row.reason}</p>
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
      <FlagActions ctx={ctx} flagId={row.flagId} label={`${FLAG_LABELS[row.kind]} on ${row.taskKey}`} />
    </li>
  );
}
