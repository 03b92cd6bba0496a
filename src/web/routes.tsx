/**
 * The web inbox, served by the same Hono app as the API at `/`: server-rendered pages (Hono JSX), plain
 * forms for every action, a small script for the keyboard. Every page but sign-in needs a session; every
 * POST needs the session's CSRF token and a same-origin request.
 */

import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { JSX } from "hono/jsx/jsx-runtime";
import { timingSafeEqual } from "hono/utils/buffer";
import { type GmailSettings, toConnectedScope } from "../../connectors/gmail/config.ts";
import {
  type ConnectedGrant,
  finishMailboxConnect,
  revokeMailboxGrant,
  startMailboxConnect,
} from "../../connectors/gmail/connect.ts";
import {
  type ActionCaller,
  type ActionDeps,
  ActionError,
  type ActionPreview,
  FLAG_ACTIONS,
  type FlagActionName,
  listFlagActions,
  loadTaskActions,
  previewFlagAction,
  runFlagAction,
} from "../actions/index.ts";
import { decodeItemCursor, encodeItemCursor } from "../api/cursor.ts";
import type { RouteDeps } from "../api/deps.ts";
import { ConfigError, type OidcConfig } from "../config.ts";
import type { FlagSettings } from "../flags/flag-settings.ts";
import { toWorkingCalendar } from "../flags/rules/calendar.ts";
import type { FlagKind } from "../model/kinds.ts";
import { inDomains } from "../model/person-role.ts";
import type { SourceAbout } from "../model/source-about.ts";
import type { SourceSetup } from "../model/source-status.ts";
import { trimTrailing } from "../model/trim-text.ts";
import { openSecretBox, type SecretBox } from "../secrets/secret-box.ts";
import { createApiToken, listApiTokens, revokeApiToken, type TokenScope } from "../store/api-tokens.ts";
import {
  deleteConnectedMailbox,
  listConnectedMailboxes,
  saveConnectedMailbox,
} from "../store/connected-mailboxes.ts";
import { dismissFlag, FlagStateError, loadFlag, snoozeFlag } from "../store/flag-store.ts";
import {
  loadStateHistory,
  type StateAction,
  type StateScope,
  saveStateChange,
} from "../store/inbox-history.ts";
import {
  loadPersonTaskState,
  savePersonFlagState,
  savePersonTaskState,
} from "../store/inbox-person-state.ts";
import {
  type InboxFilter,
  loadInbox,
  loadInboxCounts,
  loadOtherMatchingTasks,
  loadPeople,
  loadPersonFlags,
  loadTaskFlags,
  loadTaskState,
} from "../store/inbox-queries.ts";
import {
  deleteSavedSearch,
  loadSavedSearches,
  loadTaskExists,
  type SavedSearch,
  saveSearch,
  saveTaskDone,
  saveTaskMuted,
} from "../store/inbox-state.ts";
import { type ItemReader, loadHiddenItemIds, loadReaderKeys } from "../store/item-audience.ts";
import { loadSourceStatuses } from "../store/load-source-statuses.ts";
import { saveManualLink } from "../store/manual-links.ts";
import { dismissMergeSuggestion, loadMergeSuggestions } from "../store/merge-suggestions.ts";
import { mergePeople } from "../store/people-merge.ts";
import { loadPerson } from "../store/people-queries.ts";
import { loadOrCreateSigninPerson } from "../store/signin-person.ts";
import { clearSigninFailures, loadSigninBlock, saveSigninFailure } from "../store/signin-throttle.ts";
import { loadTask, loadTimelineEntries, loadUnlinkedItems } from "../store/task-queries.ts";
import {
  deleteExpiredSessions,
  deleteSessionsOf,
  deleteWebSession,
  loadWebSession,
  type Role,
  type StoredSession,
  saveWebSession,
} from "../store/web-sessions.ts";
import { ActionPreviewPage, type PreviewFlag } from "./action-pages.tsx";
import {
  APP_CSS,
  APP_JS,
  CSS_PATH,
  JS_PATH,
  NOSCRIPT_CSS,
  NOSCRIPT_CSS_PATH,
  toSourceStyles,
} from "./assets.ts";
import type { InboxView, PageContext } from "./components.tsx";
import type { ActionAvailability } from "./flag-action-buttons.ts";
import { setMailboxFlowCookie, takeMailboxFlowCookie } from "./mailbox-flow.ts";
import { finishOidcSignin, type OidcClaims, startOidcSignin } from "./oidc.ts";
import {
  InboxPage,
  NotFoundPage,
  PeoplePage,
  PersonPage,
  RefusedPage,
  SigninPage,
  TaskPage,
  ThrottledPage,
  UnlinkedPage,
} from "./pages.tsx";
import { parseInboxSearch } from "./search-syntax.ts";
import {
  clearSessionCookie,
  ensureSigninToken,
  hashSessionId,
  isSameOriginPost,
  isSessionId,
  newSessionId,
  randomToken,
  readSessionCookie,
  readSigninCookie,
  SESSION_MAX_AGE_S,
  type SessionKeys,
  sessionKeys,
  setOidcFlowCookie,
  setSessionCookie,
  takeOidcFlowCookie,
  toLocalPath,
} from "./session.ts";
import { MailboxesPage } from "./settings-mailboxes.tsx";
import { TOKEN_LIFETIMES_DAYS, TokensPage } from "./settings-tokens.tsx";
import { shortLived } from "./short-lived.ts";
import { SourcesPage } from "./sources-page.tsx";
import { toThreadTree } from "./thread-tree.ts";

export interface WebDeps extends RouteDeps {
  /** The API token: what signs in, and what the session key is derived from. */
  apiToken: string;
  /** The team's IANA time zone: times are shown, and snooze dates end, there. */
  timeZone?: string;
  /** The registered sources: names, badge colours and `source:` filters come from them. */
  sources: readonly SourceAbout[];
  /** Who is on the team: the suggested merges start from team members. */
  flagSettings: FlagSettings;
  /** Sign-in settings (default: token sign-in, no team domains, no admins, 12 hours idle). */
  signin?: SigninSettings;
  /** How each source is set up here, for the Sources page. */
  sourceSetups: readonly SourceSetup[];
  /** People's own mailboxes (default: none can be connected). */
  mailboxes?: MailboxDeps;
  /** Acting on a flag in its source (default: the actions' previews say it is not set up here). */
  actions?: ActionDeps | undefined;
}

/** What connecting a person's own Gmail takes. */
export interface MailboxDeps {
  /** The Gmail settings: the OAuth client and Google's endpoints; null when no OAuth client is configured. */
  gmail: GmailSettings | null;
  /** THREADLINE_SECRET_KEY, which seals the grants. */
  secretKey: string | undefined;
  /** Starts a sync pass (after a mailbox is connected, so its mail arrives without waiting). */
  requestSync?: () => void;
}

export interface SigninSettings {
  /** The team's OpenID Connect provider; without it the API token signs in, as the one local admin. */
  oidc?: OidcConfig | undefined;
  /** The deployment's public base URL: the callback registered with the provider is `<publicUrl>/auth/callback`. */
  publicUrl: string;
  /** Email domains (lower-cased) whose verified addresses may sign in. */
  teamDomains: readonly string[];
  /** Emails (lower-cased) of the admins. */
  admins: readonly string[];
  /** How long a session may be idle. */
  idleMs: number;
}

/** Who is signed in; routes read it as `c.var.viewer`. */
export interface Viewer {
  /** Null for the local admin (token sign-in without OIDC): nobody in particular. */
  personId: string | null;
  email: string | null;
  name: string;
  role: Role;
}

/** What the store records as the author of a change made here: the person's email, or "admin". */
const actorOf = (viewer: Viewer) => viewer.email ?? "admin";

/**
 * The client's address, for the sign-in throttle: the socket's peer on Node; on the Worker (no socket), the
 * address Cloudflare saw, which it sets itself. Forwarded-for headers are not read: anyone can write them, so
 * behind a proxy on Node every client is the proxy.
 */
function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  if (incoming) return incoming.socket?.remoteAddress ?? "unknown";
  return c.req.header("cf-connecting-ip") ?? "unknown";
}

/** Rows per kind on the inbox overview, and per page when one kind is shown. */
const OVERVIEW_PER_KIND = 10;
const KIND_PAGE_SIZE = 50;
/**
 * How long the inbox's counts per kind (per filter) and the saved searches are reused. Without a search the
 * counts are the ones the database keeps (`inbox_flag_counts`), a few rows; a search counts every flag it
 * matches (about 25 ms at 50,000 tasks). A count a few seconds old is fine beside a list that is exact, and
 * every action taken here clears both, so your own snooze or saved search shows at once. The saved searches
 * cost little to read, but a round trip each: a page is then one.
 */
const COUNTS_TTL_MS = 5_000;

/** What an action's redirect says, chosen by code: no user text reaches the notice. */
const NOTICES = {
  snoozed: {
    text: "Snoozed. The flag comes back on its date, or sooner if there is new activity.",
    error: false,
  },
  dismissed: { text: "Dismissed. The flag comes back only if new evidence arrives.", error: false },
  muted: { text: "Muted. The task stays out of the inbox until you unmute it.", error: false },
  unmuted: { text: "Unmuted. The task's flags are back in the inbox.", error: false },
  done: { text: "Marked done. The task comes back when there is new activity.", error: false },
  undone: { text: "The task is back in the inbox.", error: false },
  snoozed_me: {
    text: "Snoozed for you. It comes back on its date, or sooner if there is new activity; others still see it.",
    error: false,
  },
  dismissed_me: {
    text: "Dismissed for you. It comes back only if new evidence arrives; others still see it.",
    error: false,
  },
  muted_me: { text: "Muted for you. Others still see the task.", error: false },
  unmuted_me: { text: "Unmuted for you. The task's flags are back in your inbox.", error: false },
  done_me: { text: "Marked done for you. The task comes back when there is new activity.", error: false },
  undone_me: { text: "The task is back in your inbox.", error: false },
  bad_scope: { text: "Only a signed-in person can change something for themselves alone.", error: true },
  linked: { text: "Linked. The item is on the task's timeline now.", error: false },
  merged: { text: "Merged. Both accounts are one person now.", error: false },
  not_same: { text: "Noted: those two are not suggested again.", error: false },
  saved: { text: "Search saved.", error: false },
  deleted: { text: "Saved search deleted.", error: false },
  bad_date: { text: "Pick a date in the future to snooze until.", error: true },
  bad_reason: { text: "Say why the flag does not apply (up to 500 characters).", error: true },
  flag_gone: { text: "That flag is resolved or gone: nothing to change.", error: true },
  no_task: { text: "There is no such task.", error: true },
  no_item: { text: "There is no such item.", error: true },
  bad_merge: { text: "Those two people cannot be merged.", error: true },
  revoked: { text: "Signed out everywhere: every session of that person has ended.", error: false },
  no_person: { text: "There is no such person.", error: true },
  bad_search: { text: "A saved search needs a name (up to 80 characters) and a query.", error: true },
  bad_token: {
    text: "A token needs a name (up to 80 characters), a scope and one of the offered lifetimes.",
    error: true,
  },
  token_revoked: { text: "Token revoked: it no longer works.", error: false },
  mailbox_connected: {
    text: "Mailbox connected. Its mail about tasks and from clients arrives with the next sync.",
    error: false,
  },
  mailbox_refused: { text: "Nothing connected: Google did not grant read access.", error: true },
  mailbox_failed: {
    text: "The connection did not complete (it took too long or started elsewhere). Try again.",
    error: true,
  },
  mailbox_disconnected: {
    text: "Disconnected: Threadline's access is revoked at Google and the messages no task needs are removed.",
    error: false,
  },
  mailbox_disconnected_unrevoked: {
    text: "Disconnected and its messages no task needs removed, but Google could not be told: remove Threadline under your Google Account's third-party access.",
    error: true,
  },
  no_mailbox: { text: "You have no such mailbox connected.", error: true },
  no_token: { text: "You have no such token.", error: true },
  action_done: {
    text: "Done: written in the source. It is on the task's timeline as pending until the next sync brings it.",
    error: false,
  },
  action_pending: {
    text: "Under way: it is being written now, and pressing the button again does not write it twice.",
    error: false,
  },
  action_resolved: { text: "That flag is resolved: there is nothing left to act on.", error: true },
} as const;
type NoticeCode = keyof typeof NOTICES;
const isNotice = (v: string | undefined): v is NoticeCode => v !== undefined && Object.hasOwn(NOTICES, v);

/** Security headers of every page (per route: a `use` here would reach `/api` too once mounted at `/`): nothing inline runs, nothing frames us, no referrer leaves the site. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Email images load only when the reader clicks "Load remote images".
  "img-src 'self' https: data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "connect-src 'self'",
].join("; ");

const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("Content-Security-Policy", CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("Referrer-Policy", "same-origin");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
};

type Env = { Variables: { session: { csrf: string; idHash: string }; viewer: Viewer } };

/** The web routes; `createApp` mounts them at `/`. */
export function createWebRoutes(deps: WebDeps) {
  const web = new Hono<Env>();
  const keys: SessionKeys = sessionKeys(deps.apiToken);
  const signin: SigninSettings = deps.signin ?? {
    publicUrl: "http://localhost:8787",
    teamDomains: [],
    admins: [],
    idleMs: 12 * 3600_000,
  };
  const oidc = signin.oidc;
  const timeZone = deps.timeZone ?? "UTC";
  const sourceStyles = toSourceStyles(deps.sources);
  const calendar = toWorkingCalendar({ timeZone, workingDays: [1, 2, 3, 4, 5], holidays: [] });
  const countsCache = shortLived<Record<FlagKind, number>>(COUNTS_TTL_MS);
  const countsFor = (filter: InboxFilter, now: Date) =>
    countsCache.get(JSON.stringify({ ...filter, kinds: [] }), () => loadInboxCounts(deps.db, filter, now));
  /**
   * Whose eyes a page reads with: an admin (and the local admin) sees everything; a member sees the items
   * their sources show them (`src/store/item-audience.ts`).
   */
  const readerOf = (viewer: Viewer): Promise<ItemReader> =>
    viewer.role === "admin" || viewer.personId === null
      ? Promise.resolve(null)
      : loadReaderKeys(deps.db, viewer.personId);
  const savedCache = shortLived<SavedSearch[]>(COUNTS_TTL_MS);
  const savedSearches = () => savedCache.get("", () => loadSavedSearches(deps.db));

  const render = (c: Context, page: JSX.Element, status: 200 | 400 | 403 | 404 | 409 | 429 | 502 = 200) =>
    c.html(html`<!doctype html>${page}`, status);

  /**
   * The inbox's view, from `?view=`: "mine" (the default for a signed-in person) or "team" (everything; the
   * only view of the local admin, who is nobody in particular).
   */
  const viewOf = (c: Context<Env>): InboxView => {
    const personId = c.get("viewer")?.personId;
    if (!personId) return "team";
    return c.req.query("view") === "team" ? "team" : "mine";
  };

  const pageContext = (c: Context<Env>, csrf: string): PageContext => {
    const url = new URL(c.req.url);
    const notice = c.req.query("notice");
    url.searchParams.delete("notice");
    return {
      now: deps.now(),
      timeZone,
      csrf,
      here: `${url.pathname}${url.search}`,
      q: c.req.query("q") ?? "",
      sources: deps.sources,
      sourceStylesPath: sourceStyles.path,
      viewer: c.get("viewer"),
      notice: isNotice(notice) ? NOTICES[notice] : undefined,
      view: viewOf(c),
    };
  };

  /**
   * The session of the request's cookie, or null. A person's session whose email is no longer in the team's
   * domains ends here (every session of theirs): leaving the team signs them out.
   */
  const currentSession = async (c: Context): Promise<{ idHash: string; stored: StoredSession } | null> => {
    const id = readSessionCookie(c);
    if (!isSessionId(id)) return null;
    const idHash = await hashSessionId(id);
    const stored = await loadWebSession(deps.db, { idHash, now: deps.now(), idleMs: signin.idleMs });
    if (!stored) return null;
    if (stored.email !== null && (!oidc || !inDomains(stored.email, signin.teamDomains))) {
      await deleteSessionsOf(deps.db, { personId: stored.personId, email: stored.email });
      return null;
    }
    if (stored.email === null && oidc) {
      // A token session from before OIDC was configured: token sign-in is off now.
      await deleteWebSession(deps.db, idHash);
      return null;
    }
    return { idHash, stored };
  };

  const toViewer = (stored: StoredSession): Viewer => ({
    personId: stored.personId,
    email: stored.email,
    name: stored.name ?? stored.email ?? "admin",
    role: stored.role,
  });

  /** A page needs a session: without one, to the sign-in page and back here afterwards. */
  const signedIn: MiddlewareHandler<Env> = async (c, next) => {
    const session = await currentSession(c);
    if (!session) {
      const url = new URL(c.req.url);
      return c.redirect(`/signin?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 303);
    }
    c.set("session", { csrf: session.stored.csrf, idHash: session.idHash });
    c.set("viewer", toViewer(session.stored));
    await next();
  };

  /** An action needs a session, its CSRF token in the form, and a same-origin request. */
  const action: MiddlewareHandler<Env> = async (c, next) => {
    const session = await currentSession(c);
    // The session and the origin are judged before the body is read: an anonymous body is never parsed.
    const form = session && isSameOriginPost(c) ? await c.req.parseBody() : {};
    const given = typeof form._csrf === "string" ? form._csrf : "";
    if (!session || !given || !(await timingSafeEqual(given, session.stored.csrf)) || !isSameOriginPost(c)) {
      return render(
        c,
        <NotFoundPage
          ctx={pageContext(c, session?.stored.csrf ?? "")}
          what="This form has expired or did not come from this site. Reload the page and try again."
        />,
        403,
      );
    }
    c.set("session", { csrf: session.stored.csrf, idHash: session.idHash });
    c.set("viewer", toViewer(session.stored));
    countsCache.clear();
    savedCache.clear();
    await next();
  };

  /** What only admins may do (merging people, ending someone's sessions). */
  const adminOnly: MiddlewareHandler<Env> = async (c, next) => {
    if (c.var.viewer.role !== "admin") {
      return render(
        c,
        <NotFoundPage
          ctx={pageContext(c, c.var.session.csrf)}
          what="Only an admin of Threadline can do that."
        />,
        403,
      );
    }
    await next();
  };

  /** Starts a session for whoever just signed in, and sends them on. */
  const startSession = async (c: Context, who: Omit<StoredSession, "csrf">, next: string) => {
    const id = newSessionId();
    const now = deps.now();
    await saveWebSession(deps.db, {
      ...who,
      csrf: randomToken(24),
      idHash: await hashSessionId(id),
      now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000),
    });
    await clearSigninFailures(deps.db, clientAddress(c));
    // Each sign-in sweeps sessions past their lifetime, so the table holds no more than live ones and a week.
    await deleteExpiredSessions(deps.db, now);
    setSessionCookie(c, id);
    return c.redirect(next, 303);
  };

  /** The 429 page, when this client must wait before trying again; null when it may try now. */
  const throttled = async (c: Context) => {
    const until = await loadSigninBlock(deps.db, clientAddress(c), deps.now());
    if (!until) return null;
    const seconds = Math.max(1, Math.ceil((until.getTime() - deps.now().getTime()) / 1000));
    c.header("Retry-After", String(seconds));
    return render(c, <ThrottledPage ctx={pageContext(c, "")} seconds={seconds} />, 429);
  };

  /** Back to where the form was, with a notice. */
  const back = async (c: Context<Env>, notice: NoticeCode) => {
    const form = await c.req.parseBody();
    const target = new URL(toLocalPath(typeof form.return === "string" ? form.return : "/"), "http://x");
    target.searchParams.set("notice", notice);
    return c.redirect(`${target.pathname}${target.search}${target.hash}`, 303);
  };

  const field = async (c: Context<Env>, name: string) => {
    const value = (await c.req.parseBody())[name];
    return typeof value === "string" ? value.trim() : "";
  };

  // ---- assets ----------------------------------------------------------------------------------------
  const asset = (body: string, type: string) => (c: Context) => {
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(body, 200, { "Content-Type": type });
  };
  web.get(CSS_PATH, asset(APP_CSS, "text/css; charset=utf-8"));
  web.get(JS_PATH, asset(APP_JS, "text/javascript; charset=utf-8"));
  web.get(NOSCRIPT_CSS_PATH, asset(NOSCRIPT_CSS, "text/css; charset=utf-8"));
  web.get(sourceStyles.path, asset(sourceStyles.css, "text/css; charset=utf-8"));

  // ---- sign-in -----------------------------------------------------------------------------------------
  web.get("/signin", securityHeaders, async (c) => {
    const next = toLocalPath(c.req.query("next"));
    if (await currentSession(c)) return c.redirect(next, 303);
    if (oidc) return render(c, <SigninPage ctx={pageContext(c, "")} provider next={next} />);
    const token = ensureSigninToken(c);
    return render(
      c,
      <SigninPage
        ctx={pageContext(c, "")}
        token={token}
        next={next}
        failed={c.req.query("failed") === "1"}
      />,
    );
  });

  web.post("/signin", securityHeaders, async (c) => {
    if (oidc) {
      return render(
        c,
        <NotFoundPage
          ctx={pageContext(c, "")}
          what="Signing in with the API token is off here: sign in with your team account."
        />,
        403,
      );
    }
    const form = await c.req.parseBody();
    const next = toLocalPath(typeof form.next === "string" ? form.next : "/");
    const formToken = typeof form._signin === "string" ? form._signin : "";
    const cookieToken = readSigninCookie(c) ?? "";
    if (!isSameOriginPost(c) || !formToken || !(await timingSafeEqual(formToken, cookieToken))) {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c, "")} what="The sign-in form expired. Reload it and try again." />,
        403,
      );
    }
    const wait = await throttled(c);
    if (wait) return wait;
    const token = typeof form.token === "string" ? form.token.trim() : "";
    if (!token || !(await timingSafeEqual(token, deps.apiToken))) {
      await saveSigninFailure(deps.db, clientAddress(c), deps.now());
      return c.redirect(`/signin?failed=1&next=${encodeURIComponent(next)}`, 303);
    }
    return startSession(c, { personId: null, email: null, name: "admin", role: "admin" }, next);
  });

  web.get("/auth/login", securityHeaders, async (c) => {
    const next = toLocalPath(c.req.query("next"));
    if (!oidc) return c.redirect(`/signin?next=${encodeURIComponent(next)}`, 303);
    const started = await startOidcSignin(oidc, `${signin.publicUrl}/auth/callback`);
    await setOidcFlowCookie(c, keys, { ...started, next }, deps.now());
    return c.redirect(started.url, 303);
  });

  web.get("/auth/callback", securityHeaders, async (c) => {
    if (!oidc) return c.redirect("/signin", 303);
    const wait = await throttled(c);
    if (wait) return wait;
    const flow = await takeOidcFlowCookie(c, keys, deps.now());
    const refuse = async (status: 400 | 403, what: string) => {
      await saveSigninFailure(deps.db, clientAddress(c), deps.now());
      return render(c, <RefusedPage ctx={pageContext(c, "")} what={what} />, status);
    };
    if (!flow) return refuse(400, "This sign-in took too long or did not start here. Try again.");
    const callbackUrl = new URL(`${signin.publicUrl}/auth/callback${new URL(c.req.url).search}`);
    let claims: OidcClaims;
    try {
      claims = await finishOidcSignin(oidc, callbackUrl, flow);
    } catch {
      return refuse(400, "The sign-in did not complete. Try again.");
    }
    if (!claims.email || !claims.emailVerified) {
      return refuse(
        403,
        "Your account has no verified email address, so Threadline cannot tell who you are.",
      );
    }
    if (!inDomains(claims.email, signin.teamDomains)) {
      return refuse(403, `Threadline is only for the team; ${claims.email} is not a team address.`);
    }
    const person = await loadOrCreateSigninPerson(deps.db, {
      email: claims.email,
      name: claims.name,
      now: deps.now(),
    });
    const role: Role = signin.admins.includes(claims.email) ? "admin" : "member";
    return startSession(c, { personId: person.id, email: claims.email, name: person.name, role }, flow.next);
  });

  /** Signing out ends every session of the viewer, in every browser. */
  const signOut = async (c: Context<Env>) => {
    await deleteSessionsOf(deps.db, c.var.viewer);
    clearSessionCookie(c);
    return c.redirect("/signin", 303);
  };
  web.post("/auth/logout", securityHeaders, action, signOut);
  web.post("/signout", securityHeaders, action, signOut);

  web.post("/people/:id/sessions/revoke", securityHeaders, action, adminOnly, async (c) => {
    const person = await loadPerson(deps.db, c.req.param("id"));
    if (!person) return back(c, "no_person");
    await deleteSessionsOf(deps.db, { personId: person.id, email: person.email });
    return back(c, "revoked");
  });

  // ---- inbox -------------------------------------------------------------------------------------------
  web.get("/", securityHeaders, signedIn, async (c) => {
    const ctx = pageContext(c, c.var.session.csrf);
    const search = parseInboxSearch(ctx.q, ctx.sources);
    const me = c.var.viewer.personId ?? undefined;
    const reader = await readerOf(c.var.viewer);
    const team: InboxFilter = {
      reader,
      kinds: search.kinds,
      people: search.people,
      sources: search.sources,
      projects: search.projects,
      text: search.text,
      is: search.is,
      ...(me ? { viewer: me } : {}),
    };
    const mine: InboxFilter | null = me ? { ...team, mine: me } : null;
    const filter = ctx.view === "mine" && mine ? mine : team;
    const total = (counts: Record<FlagKind, number>) => Object.values(counts).reduce((n, k) => n + k, 0);
    // Asked together with the counts: a request waits for the pool's connections once less.
    const saving = savedSearches();
    const [mineCounts, teamCounts] = await Promise.all([
      mine ? countsFor(mine, ctx.now) : Promise.resolve(null),
      countsFor(team, ctx.now),
    ]);
    const views = { mine: mineCounts ? total(mineCounts) : null, team: total(teamCounts) };
    const single = search.kinds.length === 1;
    const perKind = single ? KIND_PAGE_SIZE : OVERVIEW_PER_KIND;
    const page = single
      ? Math.min(Math.max(0, Number.parseInt(c.req.query("page") ?? "0", 10) || 0), 10_000)
      : 0;
    const [inbox, saved, others] = await Promise.all([
      countsFor(filter, ctx.now).then((counts) =>
        loadInbox(deps.db, { filter, now: ctx.now, perKind, offset: page * perKind, counts }),
      ),
      saving,
      search.text && search.is.length === 0
        ? loadOtherMatchingTasks(deps.db, { text: search.text, now: ctx.now, limit: 20, reader })
        : Promise.resolve([]),
    ]);
    return render(c, <InboxPage ctx={ctx} data={{ search, inbox, others, saved, perKind, page, views }} />);
  });

  // ---- task page ---------------------------------------------------------------------------------------
  web.get("/tasks/:key", securityHeaders, signedIn, async (c) => {
    const ctx = pageContext(c, c.var.session.csrf);
    const key = c.req.param("key");
    const reader = await readerOf(c.var.viewer);
    const task = await loadTask(deps.db, key, ctx.now, reader);
    if (!task) return render(c, <NotFoundPage ctx={ctx} what={`There is no task ${key}.`} />, 404);
    const me = c.var.viewer.personId;
    const [flags, entries, state, own, history, actions] = await Promise.all([
      loadTaskFlags(deps.db, key, ctx.now, me ?? undefined, reader),
      loadTimelineEntries(deps.db, key, reader),
      loadTaskState(deps.db, key),
      me ? loadPersonTaskState(deps.db, { personId: me, taskKey: key }) : Promise.resolve(null),
      loadStateHistory(deps.db, key, 100),
      loadTaskActions(deps.db, key),
    ]);
    const availability = await availabilityOf(
      flags.map((f) => f.flagId),
      c.var.viewer,
    );
    return render(
      c,
      <TaskPage
        ctx={ctx}
        data={{ task, flags, timeline: toThreadTree(entries), state, own, history, actions, availability }}
      />,
    );
  });

  /**
   * Whether an action is for the viewer alone (`scope=me`, a signed-in person only) or for the team (the
   * default, and all the local admin can do); null when a person-less viewer asks for "me".
   */
  const scopeOf = async (c: Context<Env>): Promise<{ scope: StateScope; personId: string | null } | null> => {
    const personId = c.var.viewer.personId;
    if ((await field(c, "scope")) !== "me") return { scope: "team", personId };
    return personId ? { scope: "me", personId } : null;
  };

  const taskAction = (state: "muted" | "done", on: boolean) => {
    const notice: NoticeCode = on ? state : state === "muted" ? "unmuted" : "undone";
    return web.post(
      `/tasks/:key/${state === "muted" ? (on ? "mute" : "unmute") : notice}`,
      securityHeaders,
      action,
      async (c) => {
        const key = c.req.param("key");
        if (!(await loadTaskExists(deps.db, key))) return back(c, "no_task");
        const scope = await scopeOf(c);
        if (!scope) return back(c, "bad_scope");
        const [now, by] = [deps.now(), actorOf(c.var.viewer)];
        if (scope.scope === "me" && scope.personId) {
          await savePersonTaskState(deps.db, { personId: scope.personId, taskKey: key, state, on, by, now });
          return back(c, `${notice}_me`);
        }
        if (state === "muted") await saveTaskMuted(deps.db, { taskKey: key, muted: on, by, now });
        else await saveTaskDone(deps.db, { taskKey: key, done: on, by, now });
        await saveStateChange(
          deps.db,
          {
            taskKey: key,
            flagId: null,
            action: notice as StateAction,
            scope: "team",
            by,
            until: null,
            reason: null,
          },
          now,
        );
        return back(c, notice);
      },
    );
  };
  taskAction("muted", true);
  taskAction("muted", false);
  taskAction("done", true);
  taskAction("done", false);

  // ---- flags -------------------------------------------------------------------------------------------
  const flagChange = async (c: Context<Env>, work: () => Promise<unknown>, notice: NoticeCode) => {
    try {
      await work();
    } catch (err) {
      if (err instanceof FlagStateError) return back(c, "flag_gone");
      throw err;
    }
    return back(c, notice);
  };

  web.post("/flags/:id/snooze", securityHeaders, action, async (c) => {
    const until = await field(c, "until");
    const now = deps.now();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(`${until}T00:00:00Z`))) {
      return back(c, "bad_date");
    }
    const end = calendar.startOfDate(until);
    if (!(end > now)) return back(c, "bad_date");
    const scope = await scopeOf(c);
    if (!scope) return back(c, "bad_scope");
    const [id, by] = [c.req.param("id"), actorOf(c.var.viewer)];
    if (scope.scope === "me" && scope.personId) {
      const personId = scope.personId;
      const taskKey = await savePersonFlagState(deps.db, {
        personId,
        flagId: id,
        state: "snoozed",
        until: end,
        by,
        now,
      });
      return back(c, taskKey ? "snoozed_me" : "flag_gone");
    }
    return flagChange(
      c,
      async () => {
        const flag = await snoozeFlag(deps.db, id, end, by, now);
        const change = {
          flagId: id,
          action: "snoozed",
          scope: "team",
          by,
          until: end,
          reason: null,
        } as const;
        await saveStateChange(deps.db, { ...change, taskKey: flag.taskKey }, now);
      },
      "snoozed",
    );
  });

  web.post("/flags/:id/dismiss", securityHeaders, action, async (c) => {
    const reason = await field(c, "reason");
    if (reason === "" || reason.length > 500) return back(c, "bad_reason");
    const scope = await scopeOf(c);
    if (!scope) return back(c, "bad_scope");
    const [id, by, now] = [c.req.param("id"), actorOf(c.var.viewer), deps.now()];
    if (scope.scope === "me" && scope.personId) {
      const personId = scope.personId;
      const taskKey = await savePersonFlagState(deps.db, {
        personId,
        flagId: id,
        state: "dismissed",
        reason,
        by,
        now,
      });
      return back(c, taskKey ? "dismissed_me" : "flag_gone");
    }
    return flagChange(
      c,
      async () => {
        const flag = await dismissFlag(deps.db, id, reason, by, now);
        const change = { flagId: id, action: "dismissed", scope: "team", by, until: null, reason } as const;
        await saveStateChange(deps.db, { ...change, taskKey: flag.taskKey }, now);
      },
      "dismissed",
    );
  });

  // ---- acting on a flag --------------------------------------------------------------------------------
  const actionDeps = deps.actions;
  /** Who acts: recorded by email, and reading with their own eyes (nothing hidden from them is quoted). */
  const callerOf = async (viewer: Viewer): Promise<ActionCaller> => ({
    by: actorOf(viewer),
    email: viewer.email,
    reader: await readerOf(viewer),
  });
  const isActionName = (name: string): name is FlagActionName =>
    (FLAG_ACTIONS as readonly string[]).includes(name);
  /** An idempotency key as the preview renders one (a UUID); anything else is not ours. */
  const isIdempotencyKey = (key: string) => /^[A-Za-z0-9_-]{16,100}$/.test(key);

  /**
   * What each of these flags' actions may do with the sources' credentials (from their previews; the access
   * answers are cached a few minutes). A flag whose previews cannot be made has none: its buttons stay links
   * to a preview that says why.
   */
  async function availabilityOf(flagIds: readonly string[], viewer: Viewer) {
    const known = new Map<string, ActionAvailability[]>();
    if (!actionDeps) return known;
    const caller = await callerOf(viewer);
    await Promise.all(
      flagIds.map(async (id) => {
        try {
          const previews = await listFlagActions(actionDeps, id, caller);
          known.set(
            id,
            previews.map((p) => ({ action: p.action, enabled: p.enabled, needs: p.needs ?? p.reason })),
          );
        } catch (err) {
          if (!(err instanceof ActionError)) throw err;
        }
      }),
    );
    return known;
  }

  /**
   * The flag an action page is about, when the viewer may see it: its task is theirs to read and so is every
   * item that raised it (a preview quotes them). Null otherwise, as for a flag that does not exist.
   */
  async function visibleFlag(c: Context<Env>, id: string): Promise<PreviewFlag | null> {
    const flag = await loadFlag(deps.db, id);
    if (!flag) return null;
    const reader = await readerOf(c.var.viewer);
    const task = await loadTask(deps.db, flag.taskKey, deps.now(), reader);
    if (!task) return null;
    if ((await loadHiddenItemIds(deps.db, flag.evidence, reader)).size > 0) return null;
    return { id: flag.id, kind: flag.kind, reason: flag.reason, taskKey: task.key, title: task.title };
  }

  const noAction = (c: Context<Env>, what: string) =>
    render(c, <NotFoundPage ctx={pageContext(c, c.var.session.csrf)} what={what} />, 404);
  const NOT_SET_UP = "Acting on flags is not set up on this server.";

  /** The page a preview returns to: where its link came from, else the flag's task. */
  const returnTo = (given: string | undefined, taskKey: string) =>
    given ? toLocalPath(given) : `/tasks/${encodeURIComponent(taskKey)}`;

  const previewPage = (
    c: Context<Env>,
    page: {
      flag: PreviewFlag;
      preview: ActionPreview;
      idempotencyKey: string;
      returnTo: string;
      text?: string | undefined;
      failure?: { error: string; retryable: boolean } | undefined;
    },
    status: 200 | 409 | 502 = 200,
  ) => {
    const ctx = { ...pageContext(c, c.var.session.csrf), here: page.returnTo };
    return render(c, <ActionPreviewPage ctx={ctx} {...page} />, status);
  };

  web.get("/flags/:id/actions/:action", securityHeaders, signedIn, async (c) => {
    const [id, name] = [c.req.param("id"), c.req.param("action")];
    if (!actionDeps) return noAction(c, NOT_SET_UP);
    const flag = isActionName(name) ? await visibleFlag(c, id) : null;
    if (!flag || !isActionName(name)) return noAction(c, "There is no such flag, or no such action for it.");
    try {
      const preview = await previewFlagAction(actionDeps, id, name, {}, await callerOf(c.var.viewer));
      return previewPage(c, {
        flag,
        preview,
        // A new key per preview shown: a double click, or a retry of this page's form, writes once.
        idempotencyKey: crypto.randomUUID(),
        returnTo: returnTo(c.req.query("return"), flag.taskKey),
      });
    } catch (err) {
      if (err instanceof ActionError) return noAction(c, err.message);
      throw err;
    }
  });

  web.post("/flags/:id/actions/:action", securityHeaders, action, async (c) => {
    const [id, name] = [c.req.param("id"), c.req.param("action")];
    if (!actionDeps) return noAction(c, NOT_SET_UP);
    const flag = isActionName(name) ? await visibleFlag(c, id) : null;
    if (!flag || !isActionName(name)) return noAction(c, "There is no such flag, or no such action for it.");
    const form = await c.req.parseBody();
    const idempotencyKey = typeof form.idempotencyKey === "string" ? form.idempotencyKey : "";
    if (!isIdempotencyKey(idempotencyKey)) {
      return render(
        c,
        <NotFoundPage
          ctx={pageContext(c, c.var.session.csrf)}
          what="This form has no valid key to tell a second press from a new action. Reload the preview and try again."
        />,
        400,
      );
    }
    // A textarea sends CRLF line ends; the sources get the text as it was typed.
    const text = typeof form.text === "string" ? form.text.replace(/\r\n?/g, "\n") : undefined;
    if (text !== undefined && (text.trim() === "" || text.length > 10_000)) {
      return render(
        c,
        <NotFoundPage
          ctx={pageContext(c, c.var.session.csrf)}
          what="The message must not be empty, nor longer than 10,000 characters. Go back and change it."
        />,
        400,
      );
    }
    const assignee = await field(c, "assignee");
    const input = { ...(text !== undefined ? { text } : {}), ...(assignee ? { assignee } : {}) };
    const backTo = returnTo(typeof form.return === "string" ? form.return : undefined, flag.taskKey);
    const caller = await callerOf(c.var.viewer);
    const again = async (failure: { error: string; retryable: boolean }, status: 409 | 502) =>
      previewPage(
        c,
        {
          flag,
          preview: await previewFlagAction(actionDeps, id, name, input, caller),
          // The same key for a retry (a write that landed is found, not made again); a new one otherwise.
          idempotencyKey: failure.retryable ? idempotencyKey : crypto.randomUUID(),
          returnTo: backTo,
          text,
          failure,
        },
        status,
      );
    try {
      const outcome = await runFlagAction(actionDeps, {
        flagId: id,
        action: name,
        idempotencyKey,
        caller,
        ...input,
      });
      if (outcome.state === "failed") {
        return again({ error: outcome.error ?? "The source refused it.", retryable: outcome.retryable }, 502);
      }
      const target = new URL(backTo, "http://x");
      target.searchParams.set("notice", outcome.state === "done" ? "action_done" : "action_pending");
      return c.redirect(`${target.pathname}${target.search}`, 303);
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      if (err.kind === "not_found") return noAction(c, err.message);
      if (err.kind === "conflict") {
        const target = new URL(backTo, "http://x");
        target.searchParams.set("notice", "action_resolved");
        return c.redirect(`${target.pathname}${target.search}`, 303);
      }
      return again({ error: err.message, retryable: false }, 409);
    }
  });

  // ---- unlinked items ----------------------------------------------------------------------------------
  web.get("/items", securityHeaders, signedIn, async (c) => {
    const ctx = pageContext(c, c.var.session.csrf);
    const cursor = c.req.query("cursor");
    const after = cursor ? (decodeItemCursor(cursor) ?? undefined) : undefined;
    const page = await loadUnlinkedItems(deps.db, { limit: 50, after, reader: await readerOf(c.var.viewer) });
    return render(
      c,
      <UnlinkedPage ctx={ctx} items={page.rows} next={page.next ? encodeItemCursor(page.next) : null} />,
    );
  });

  web.post("/items/:id/link", securityHeaders, action, async (c) => {
    const taskKey = await field(c, "taskKey");
    const itemId = c.req.param("id");
    if (!taskKey) return back(c, "no_task");
    const hidden = await loadHiddenItemIds(deps.db, [itemId], await readerOf(c.var.viewer));
    if (hidden.size > 0) return back(c, "no_item");
    const result = await saveManualLink(deps.db, {
      taskKey,
      itemId,
      by: actorOf(c.var.viewer),
      now: deps.now(),
    });
    if (result.status === "task_not_found") return back(c, "no_task");
    if (result.status !== "linked") return back(c, "no_item");
    await deps.tasksChanged([taskKey], { method: c.req.method, path: c.req.path });
    return back(c, "linked");
  });

  // ---- sources -----------------------------------------------------------------------------------------
  web.get("/sources", securityHeaders, signedIn, adminOnly, async (c) => {
    const ctx = pageContext(c, c.var.session.csrf);
    const statuses = await loadSourceStatuses(deps.db, deps.sourceSetups, deps.now());
    return render(c, <SourcesPage ctx={ctx} statuses={statuses} />);
  });

  // ---- people ------------------------------------------------------------------------------------------
  web.get("/people", securityHeaders, signedIn, async (c) => {
    const ctx = pageContext(c, c.var.session.csrf);
    const [people, suggestions] = [
      await loadPeople(deps.db, 500),
      await loadMergeSuggestions(deps.db, deps.flagSettings),
    ];
    return render(c, <PeoplePage ctx={ctx} people={people} suggestions={suggestions} />);
  });

  web.post("/merge-suggestions/dismiss", securityHeaders, action, adminOnly, async (c) => {
    const dismissed = await dismissMergeSuggestion(deps.db, {
      a: await field(c, "a"),
      b: await field(c, "b"),
      by: actorOf(c.var.viewer),
      now: deps.now(),
    });
    return back(c, dismissed ? "not_same" : "bad_merge");
  });

  web.get("/people/:id", securityHeaders, signedIn, async (c) => {
    const ctx = pageContext(c, c.var.session.csrf);
    const person = await loadPerson(deps.db, c.req.param("id"));
    if (!person) return render(c, <NotFoundPage ctx={ctx} what="There is no such person." />, 404);
    if (person.id !== c.req.param("id")) return c.redirect(`/people/${encodeURIComponent(person.id)}`, 303);
    const [{ owes, waitsOn }, people] = await Promise.all([
      loadPersonFlags(deps.db, {
        personId: person.id,
        now: ctx.now,
        limit: 100,
        reader: await readerOf(c.var.viewer),
      }),
      loadPeople(deps.db, 500),
    ]);
    const others = people.filter((p) => p.id !== person.id);
    return render(c, <PersonPage ctx={ctx} person={person} owes={owes} waitsOn={waitsOn} others={others} />);
  });

  web.post("/people/:id/merge", securityHeaders, action, adminOnly, async (c) => {
    const into = await field(c, "into");
    if (!into) return back(c, "bad_merge");
    const result = await mergePeople(deps.db, { from: c.req.param("id"), into, now: deps.now() });
    if (result.status !== "merged") return back(c, "bad_merge");
    await deps.tasksChanged(result.taskKeys, { method: c.req.method, path: c.req.path });
    return c.redirect(`/people/${encodeURIComponent(result.person.id)}?notice=merged`, 303);
  });

  // ---- settings: personal API tokens ------------------------------------------------------------------
  /** The viewer as a token's owner; null for the local admin, who is no person. */
  const tokenOwner = (viewer: Viewer) =>
    viewer.personId && viewer.email ? { personId: viewer.personId, email: viewer.email } : null;

  web.get("/settings/tokens", securityHeaders, signedIn, async (c) => {
    const ctx = pageContext(c, c.var.session.csrf);
    const owner = tokenOwner(c.var.viewer);
    const tokens = owner ? await listApiTokens(deps.db, owner.personId) : null;
    return render(c, <TokensPage ctx={ctx} tokens={tokens} />);
  });

  web.post("/settings/tokens", securityHeaders, action, async (c) => {
    const owner = tokenOwner(c.var.viewer);
    const ctx = { ...pageContext(c, c.var.session.csrf), here: "/settings/tokens" };
    if (!owner) return render(c, <TokensPage ctx={ctx} tokens={null} />, 403);
    const name = await field(c, "name");
    const scope = await field(c, "scopes");
    const days = Number(await field(c, "days"));
    if (
      !name ||
      name.length > 80 ||
      (scope !== "read" && scope !== "write") ||
      !(TOKEN_LIFETIMES_DAYS as readonly number[]).includes(days)
    ) {
      return back(c, "bad_token");
    }
    const now = deps.now();
    const { secret } = await createApiToken(deps.db, {
      ...owner,
      name,
      scopes: [scope as TokenScope],
      expiresAt: new Date(now.getTime() + days * 86_400_000),
      now,
    });
    // Shown in this answer only: nothing keeps the secret to show it again.
    const tokens = await listApiTokens(deps.db, owner.personId);
    return render(c, <TokensPage ctx={ctx} tokens={tokens} created={{ name, secret }} />);
  });

  web.post("/settings/tokens/:id/revoke", securityHeaders, action, async (c) => {
    const owner = tokenOwner(c.var.viewer);
    const revoked =
      owner && (await revokeApiToken(deps.db, { id: c.req.param("id"), personId: owner.personId }));
    return c.redirect(`/settings/tokens?notice=${revoked ? "token_revoked" : "no_token"}`, 303);
  });

  // ---- settings: your own mailbox ----------------------------------------------------------------------
  const mailboxDeps = deps.mailboxes;
  const mailboxCallback = `${signin.publicUrl}/settings/mailboxes/callback`;
  /** Why connecting is not possible here, or null. */
  const mailboxUnavailable = () =>
    mailboxDeps?.gmail?.client
      ? null
      : "Connecting a mailbox is not set up here: an admin sets GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (see the README).";

  /**
   * The connect form's answer redirects to Google's authorization endpoint, and browsers hold a form's
   * redirects to the `form-action` of the page the form is on: that one origin is let through, on the
   * mailbox page only.
   */
  const letFormReachGoogle: MiddlewareHandler = async (c, next) => {
    await next();
    const authorizeUrl = mailboxDeps?.gmail?.authorizeUrl;
    const csp = c.res.headers.get("Content-Security-Policy");
    if (authorizeUrl && csp) {
      c.header(
        "Content-Security-Policy",
        csp.replace("form-action 'self'", `form-action 'self' ${new URL(authorizeUrl).origin}`),
      );
    }
  };

  web.get("/settings/mailboxes", letFormReachGoogle, securityHeaders, signedIn, async (c) => {
    const ctx = pageContext(c, c.var.session.csrf);
    const personId = c.var.viewer.personId;
    const mailboxes = personId ? await listConnectedMailboxes(deps.db, personId) : null;
    return render(c, <MailboxesPage ctx={ctx} mailboxes={mailboxes} unavailable={mailboxUnavailable()} />);
  });

  web.post("/settings/mailboxes/connect", securityHeaders, action, async (c) => {
    const personId = c.var.viewer.personId;
    const gmail = mailboxDeps?.gmail;
    const ctx = { ...pageContext(c, c.var.session.csrf), here: "/settings/mailboxes" };
    if (!personId || !gmail?.client) {
      return render(c, <MailboxesPage ctx={ctx} mailboxes={null} unavailable={mailboxUnavailable()} />, 403);
    }
    try {
      // Before Google is asked: a grant that cannot be sealed is not taken.
      await openSecretBox(mailboxDeps?.secretKey);
    } catch (err) {
      const what = err instanceof ConfigError ? err.message.replace(/^\[threadline\] /, "") : "no key";
      return render(
        c,
        <MailboxesPage
          ctx={ctx}
          mailboxes={await listConnectedMailboxes(deps.db, personId)}
          unavailable={`Connecting a mailbox is not possible yet: ${what}. Ask an admin.`}
        />,
        400,
      );
    }
    const started = await startMailboxConnect(gmail, {
      redirectUri: mailboxCallback,
      loginHint: c.var.viewer.email,
      incremental: oidc !== undefined && trimTrailing(oidc.issuer, "/") === "https://accounts.google.com",
    });
    await setMailboxFlowCookie(c, keys, { ...started, sessionHash: c.var.session.idHash }, deps.now());
    return c.redirect(started.url, 303);
  });

  web.get("/settings/mailboxes/callback", securityHeaders, signedIn, async (c) => {
    const personId = c.var.viewer.personId;
    const gmail = mailboxDeps?.gmail;
    const flow = await takeMailboxFlowCookie(c, keys, c.var.session.idHash, deps.now());
    const done = (notice: NoticeCode) => c.redirect(`/settings/mailboxes?notice=${notice}`, 303);
    if (!personId || !gmail?.client || !flow) return done("mailbox_failed");
    if (c.req.query("error")) return done("mailbox_refused");
    let grant: ConnectedGrant;
    let box: SecretBox;
    try {
      box = await openSecretBox(mailboxDeps?.secretKey);
      grant = await finishMailboxConnect(
        gmail,
        new URL(`${mailboxCallback}${new URL(c.req.url).search}`),
        flow,
      );
    } catch {
      return done("mailbox_failed");
    }
    const scope = toConnectedScope(grant.address);
    await saveConnectedMailbox(deps.db, {
      scope,
      personId,
      address: grant.address,
      sealedRefreshToken: await box.seal(grant.refreshToken, scope),
      grantedScopes: grant.grantedScopes,
      now: deps.now(),
    });
    mailboxDeps?.requestSync?.();
    return done("mailbox_connected");
  });

  web.post("/settings/mailboxes/disconnect", securityHeaders, action, async (c) => {
    const personId = c.var.viewer.personId;
    const scope = await field(c, "scope");
    const gone = personId ? await deleteConnectedMailbox(deps.db, { scope, personId }) : null;
    if (!gone) return c.redirect("/settings/mailboxes?notice=no_mailbox", 303);
    let revoked = false;
    const gmail = mailboxDeps?.gmail;
    if (gmail?.client) {
      try {
        const box = await openSecretBox(mailboxDeps?.secretKey);
        revoked = await revokeMailboxGrant(gmail, await box.open(gone.sealedRefreshToken, scope));
      } catch {
        revoked = false;
      }
    }
    return c.redirect(
      `/settings/mailboxes?notice=${revoked ? "mailbox_disconnected" : "mailbox_disconnected_unrevoked"}`,
      303,
    );
  });

  // ---- saved searches ----------------------------------------------------------------------------------
  web.post("/searches", securityHeaders, action, async (c) => {
    const name = await field(c, "name");
    const query = await field(c, "query");
    if (!name || name.length > 80 || !query || query.length > 500) return back(c, "bad_search");
    await saveSearch(deps.db, { name, query, by: actorOf(c.var.viewer), now: deps.now() });
    return back(c, "saved");
  });

  web.post("/searches/:id/delete", securityHeaders, action, async (c) => {
    const id = Number.parseInt(c.req.param("id"), 10);
    if (Number.isSafeInteger(id)) await deleteSavedSearch(deps.db, id);
    return back(c, "deleted");
  });

  return web;
}
