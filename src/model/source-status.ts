/**
 * Each source's and scope's state as `threadline status`, `GET /api/sources` and the Sources page show it,
 * worked out from what the passes stored (pure: the caller reads the rows and the settings, and says when
 * now is).
 */
import type { SourceId } from "./kinds.ts";

/** What the last pass recorded of a source as a whole (`source_states`). */
export interface SourceStateRow {
  source: string;
  lastPassAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorKind: string | null;
  nextRunAt: Date | null;
  lastDeliveryAt: Date | null;
}

/** What the last pass recorded of one scope (`source_scopes`). */
export interface ScopeStateRow {
  source: string;
  scope: string;
  /** `active`, or why the token can no longer read the scope (`forbidden`, `not_found`). */
  status: string;
  statusReason: string | null;
  lastSuccessAt: Date | null;
  lastPassAt: Date | null;
  lastError: string | null;
  lastErrorKind: string | null;
  rateLimitedUntil: Date | null;
  itemsSeen: number | null;
  subscriptionId: string | null;
  subscriptionState: string | null;
  subscriptionExpiresAt: Date | null;
}

/** How a registered source is set up in this deployment. */
export interface SourceSetup {
  id: SourceId;
  /** Its settings are complete. */
  enabled: boolean;
  /** Its settings are there but wrong (the message names the variable); null otherwise. */
  configError: string | null;
  /** The variables that configure it, for "set …". */
  envVars: readonly string[];
}

export type SourceStateName = "ok" | "failing" | "rate_limited" | "disabled";

/** How pushes reach a scope: a webhook configured in the source, or a subscription Threadline keeps alive. */
export interface PushStatus {
  kind: "webhook" | "subscription";
  /** Webhook: `receiving` once a verified delivery came. Subscription: its state, or `expired`. */
  state: string;
  /** When the last verified push of the source arrived. */
  lastDeliveryAt: string | null;
  /** When the subscription ends unless renewed; null for webhooks. */
  expiresAt: string | null;
}

/** One line of the status: a source and one of its scopes (null: the source as a whole). Times ISO 8601 UTC. */
export interface SourceStatus {
  source: SourceId;
  scope: string | null;
  state: SourceStateName;
  /** The end of the last pass that read the scope (or every scope of the source) to its end. */
  lastSuccessAt: string | null;
  /** Why it is failing or waiting, as the source or the settings said it; null when ok. */
  lastError: string | null;
  /** The kind of that error (`auth`, `unreachable`, `forbidden`, `rate_limit`, `config`, …). */
  errorKind: string | null;
  /** What a person does about it, in one sentence; null when nothing is needed. */
  action: string | null;
  /** When the source accepts requests again, while rate-limited. */
  rateLimitedUntil: string | null;
  /** When the schedule runs the next pass; null when passes run on request only. */
  nextRunAt: string | null;
  /** When the last pass ended on it, well or not. */
  lastPassAt: string | null;
  /** Items the last pass read from the scope. */
  itemsSeen: number | null;
  push: PushStatus | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** `A, B and C`. */
const listed = (names: readonly string[]) =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;

/** What to do about an error of this kind, in one sentence. */
export function toAction(kind: string | null, setup: Pick<SourceSetup, "envVars">): string | null {
  const vars = listed(setup.envVars);
  switch (kind) {
    case null:
      return null;
    case "auth":
      return `The credentials were refused (expired or revoked): set new ones in ${vars}, then run a sync.`;
    case "unreachable":
      return "The API root did not answer: check its URL variable and certificate as the error says, then run a sync.";
    case "forbidden":
      return "The credentials cannot read this scope: grant them access, or remove the scope from the settings.";
    case "not_found":
      return "The scope does not exist or the credentials cannot see it: check its name in the settings.";
    case "rate_limit":
      return "Nothing to do: the next pass resumes where this one stopped once the limit resets.";
    case "config":
      return `Fix the setting the error names (${vars}) and restart.`;
    case "transient":
      return "The source failed several times in a row; the next pass tries again. If it keeps failing, check the source's status page.";
    default:
      return "An answer Threadline could not read: report the error with the source's version.";
  }
}

function toPush(scope: ScopeStateRow | null, source: SourceStateRow | null, now: Date): PushStatus | null {
  const lastDeliveryAt = iso(source?.lastDeliveryAt);
  if (scope && (scope.subscriptionId || scope.subscriptionExpiresAt)) {
    const expired = scope.subscriptionExpiresAt !== null && scope.subscriptionExpiresAt <= now;
    return {
      kind: "subscription",
      state: expired ? "expired" : (scope.subscriptionState ?? "active"),
      lastDeliveryAt,
      expiresAt: iso(scope.subscriptionExpiresAt),
    };
  }
  if (lastDeliveryAt) return { kind: "webhook", state: "receiving", lastDeliveryAt, expiresAt: null };
  return null;
}

/**
 * Every registered source, in the registry's order, each with its scopes in name order: `disabled` when its
 * credentials are not set, `failing` with the error and what to do when its settings are wrong, its last pass
 * failed as a whole (a refused token, an API root that does not answer) or failed on the scope,
 * `rate_limited` with the time the limit resets, otherwise `ok`.
 */
export function toSourceStatuses(input: {
  setups: readonly SourceSetup[];
  sources: readonly SourceStateRow[];
  scopes: readonly ScopeStateRow[];
  now: Date;
}): SourceStatus[] {
  const out: SourceStatus[] = [];
  for (const setup of input.setups) {
    const source = input.sources.find((s) => s.source === setup.id) ?? null;
    const scopes = input.scopes.filter((s) => s.source === setup.id);
    const base = {
      source: setup.id,
      nextRunAt: iso(source?.nextRunAt),
      rateLimitedUntil: null,
    };
    if (!setup.enabled) {
      const error = setup.configError;
      out.push({
        ...base,
        scope: null,
        state: error ? "failing" : "disabled",
        lastSuccessAt: iso(source?.lastSuccessAt),
        lastError: error,
        errorKind: error ? "config" : null,
        action: error
          ? toAction("config", setup)
          : `Not configured: set its credentials (${listed(setup.envVars)}) to read it.`,
        nextRunAt: null,
        lastPassAt: iso(source?.lastPassAt),
        itemsSeen: null,
        push: null,
      });
      continue;
    }
    const whole = source?.lastError
      ? { message: source.lastError, kind: source.lastErrorKind ?? "invalid" }
      : null;
    if (scopes.length === 0) {
      out.push({
        ...base,
        scope: null,
        state: whole ? "failing" : "ok",
        lastSuccessAt: iso(source?.lastSuccessAt),
        lastError: whole?.message ?? null,
        errorKind: whole?.kind ?? null,
        action: toAction(whole?.kind ?? null, setup),
        lastPassAt: iso(source?.lastPassAt),
        itemsSeen: null,
        push: toPush(null, source, input.now),
      });
      continue;
    }
    for (const scope of scopes) {
      const unreadable =
        scope.status !== "active"
          ? { message: scope.statusReason ?? scope.status, kind: scope.status }
          : null;
      const own = scope.lastError
        ? { message: scope.lastError, kind: scope.lastErrorKind ?? "invalid" }
        : null;
      // The source's own failure (its token, its API root) is every scope's.
      const error = whole ?? own ?? unreadable;
      const limited = error?.kind === "rate_limit";
      out.push({
        ...base,
        scope: scope.scope,
        state: !error ? "ok" : limited ? "rate_limited" : "failing",
        lastSuccessAt: iso(scope.lastSuccessAt),
        lastError: error?.message ?? null,
        errorKind: error?.kind ?? null,
        action: toAction(error?.kind ?? null, setup),
        rateLimitedUntil: limited ? iso(scope.rateLimitedUntil) : null,
        lastPassAt: iso(scope.lastPassAt ?? source?.lastPassAt),
        itemsSeen: scope.itemsSeen,
        push: toPush(scope, source, input.now),
      });
    }
  }
  return out;
}
