/**
 * Previewing and doing an action on a flag. An action is recorded (with its writes exactly as previewed)
 * before any call to a source; each write's result is saved as soon as it is made; a later attempt asks the
 * source whether a write it does not know the result of landed (`find`) before writing again. So a double
 * submit, a retry after a 5xx, or a crash in the middle never writes twice.
 */
import { sql } from "drizzle-orm";
import type { ConnectorSet } from "../../connectors/registry.ts";
import { ConnectorError, type WriteRequest, type WriteResult } from "../../connectors/types.ts";
import type { FlagSettings } from "../flags/flag-settings.ts";
import type { SourceId } from "../model/kinds.ts";
import type { Db } from "../store/db.ts";
import {
  claimAction,
  loadActionByKey,
  loadActionsOfFlag,
  type StoredAction,
  saveActionEnd,
  saveActionResults,
  saveNewAction,
} from "../store/flag-actions.ts";
import { type ItemReader, loadHiddenItemIds } from "../store/item-audience.ts";
import { type ActionContext, loadActionContext } from "../store/load-action-context.ts";
import { queryRows } from "../store/rows.ts";
import {
  ACTIONS_OF_KIND,
  type ActionOutcome,
  type ActionPreview,
  type FlagActionName,
} from "./action-types.ts";
import { type ActionPlan, type PlanChoice, type PlanInput, planAction } from "./plan-actions.ts";
import type { ActionTemplates } from "./templates.ts";
import { loadWriteAccess } from "./write-access.ts";

/** What the actions need from their runtime. */
export interface ActionDeps {
  db: Db;
  now: () => Date;
  /** The registered sources. */
  connectors: ConnectorSet;
  /** Each configured source's settings (what its `fromEnv` gave); a source missing here cannot be written to. */
  sourceSettings: Readonly<Partial<Record<SourceId, unknown>>>;
  templates: ActionTemplates;
  /** Who is on the team (whom a task can be assigned to, who is outside), and the team's time zone. */
  flagSettings: FlagSettings;
  log: {
    info(message: string, context: Record<string, unknown>): void;
    error(message: string, err: unknown, context: Record<string, unknown>): void;
  };
  /** How long one attempt may hold an action before another may take it over (default two minutes). */
  holdMs?: number;
}

/** Who acts: recorded as `by` (an email, or `admin`), named in messages by `name`. */
export interface ActionCaller {
  by: string;
  email: string | null;
  /**
   * Whose eyes they read with (`src/store/item-audience.ts`): an item hidden from them is neither quoted nor
   * answered in their name. Absent or null: everything.
   */
  reader?: ItemReader;
}

/**
 * Why an action cannot be previewed or done: `not_found` (no such flag, or the action does not resolve its
 * kind), `conflict` (the flag is resolved), `unavailable` (a scope is missing, or nothing to write to),
 * `key_reused` (the idempotency key was used for another flag or action).
 */
export class ActionError extends Error {
  override name = "ActionError";
  constructor(
    readonly kind: "not_found" | "conflict" | "unavailable" | "key_reused",
    message: string,
  ) {
    super(message);
  }
}

/** The edits of a preview: the message and, for `assign`, whom (an `externalId` of `choices`). */
export interface ActionInput {
  text?: string;
  assignee?: string;
}

export interface RunActionRequest extends ActionInput {
  flagId: string;
  action: FlagActionName;
  idempotencyKey: string;
  caller: ActionCaller;
}

const HOLD_MS = 2 * 60_000;
const WRITE_TIMEOUT_MS = 60_000;

/** The preview of every action that resolves the flag. Throws `ActionError` (`not_found`). */
export async function listFlagActions(
  deps: ActionDeps,
  flagId: string,
  caller: ActionCaller,
): Promise<ActionPreview[]> {
  const context = await loadContext(deps, flagId);
  const input = await toPlanInput(deps, context, caller);
  return Promise.all(
    ACTIONS_OF_KIND[context.flag.kind].map((action) => toPreview(deps, flagId, planAction(input, action))),
  );
}

/** What the action would write, with the person's edits. Throws `ActionError` (`not_found`). */
export async function previewFlagAction(
  deps: ActionDeps,
  flagId: string,
  action: FlagActionName,
  input: ActionInput,
  caller: ActionCaller,
): Promise<ActionPreview> {
  const context = await loadContext(deps, flagId, action);
  const plan = planAction(await toPlanInput(deps, context, caller), action, toChoice(input));
  return toPreview(deps, flagId, plan);
}

/**
 * Does the action once per idempotency key: the first request records it and writes; a request with a known
 * key answers what was recorded, finishing it first when an earlier attempt failed in a way a retry may mend
 * (a write whose answer was lost is found, not made again). Throws `ActionError`.
 */
export async function runFlagAction(deps: ActionDeps, request: RunActionRequest): Promise<ActionOutcome> {
  const known = await loadActionByKey(deps.db, request.idempotencyKey);
  let stored: StoredAction;
  if (known) {
    if (known.flagId !== request.flagId || known.action !== request.action) {
      throw new ActionError(
        "key_reused",
        `The idempotency key was used for ${known.action} on flag ${known.flagId}; use a new key for another action.`,
      );
    }
    stored = known;
  } else {
    const context = await loadContext(deps, request.flagId, request.action);
    if (context.flag.state === "resolved") {
      throw new ActionError(
        "conflict",
        "The flag is resolved (its condition went away): there is nothing to act on.",
      );
    }
    const plan = planAction(
      await toPlanInput(deps, context, request.caller),
      request.action,
      toChoice(request),
    );
    const preview = await toPreview(deps, request.flagId, plan);
    if (!preview.enabled) {
      throw new ActionError(
        "unavailable",
        preview.needs
          ? `This action needs ${preview.needs}; it was not tried.`
          : `${preview.reason ?? "It cannot be done here."}`,
      );
    }
    // A fresh preview after a failure brings a new key: the earlier attempt may have written though its
    // answer was lost, so its writes are looked for before anything is written again.
    const earlier = await settleEarlierAttempts(deps, request.flagId, request.action);
    if (earlier) return toOutcome(earlier);
    const saved = await saveNewAction(
      deps.db,
      {
        id: `act_${crypto.randomUUID().replaceAll("-", "")}`,
        idempotencyKey: request.idempotencyKey,
        flagId: request.flagId,
        flagKind: context.flag.kind,
        taskKey: context.flag.taskKey,
        action: request.action,
        by: request.caller.by,
        plan: plan.writes,
      },
      deps.now(),
    );
    stored = saved.action;
    if (!saved.created && (stored.flagId !== request.flagId || stored.action !== request.action)) {
      throw new ActionError(
        "key_reused",
        `The idempotency key was used for ${stored.action} on flag ${stored.flagId}.`,
      );
    }
  }
  if (stored.state === "done" || (stored.state === "failed" && !stored.retryable)) return toOutcome(stored);
  const now = deps.now();
  const claimed = await claimAction(
    deps.db,
    stored.id,
    now,
    new Date(now.getTime() + (deps.holdMs ?? HOLD_MS)),
  );
  // Another request holds it (a double submit): answer it as it stands, pending.
  if (!claimed) return toOutcome((await loadActionByKey(deps.db, request.idempotencyKey)) ?? stored);
  return toOutcome(await attempt(deps, claimed));
}

/** One attempt: every write not made yet, in order, each result saved before the next write. */
async function attempt(deps: ActionDeps, action: StoredAction): Promise<StoredAction> {
  const results: WriteResult[] = [...action.results];
  const written = new Set(action.writtenItems);
  for (let i = results.length; i < action.plan.length; i++) {
    const write = action.plan[i]!;
    const connector = deps.connectors[write.source];
    const settings = deps.sourceSettings[write.source];
    const context = { action: action.id, flag: action.flagId, source: write.source, kind: write.kind };
    try {
      if (!connector?.actions || settings === undefined || settings === null) {
        throw new ConnectorError(write.source, "invalid", `${write.source} is no longer configured to write`);
      }
      const writeRequest = toWriteRequest(action, i, settings);
      // An earlier attempt may have written it and lost the answer: look before writing again.
      const found = action.attempts > 1 ? await connector.actions.find(writeRequest) : null;
      const result = found ?? (await connector.actions.write(writeRequest));
      results.push(result);
      if (result.externalId) written.add(`${write.source}:${result.externalId}`);
      await saveActionResults(deps.db, action.id, results, [...written], deps.now());
      deps.log.info("action write made", { ...context, found: found !== null });
    } catch (err) {
      const retryable = err instanceof ConnectorError ? err.retryable : true;
      const error = err instanceof Error ? err.message : String(err);
      deps.log.error("action write failed", err, { ...context, retryable });
      await saveActionEnd(deps.db, action.id, { state: "failed", error, retryable }, deps.now());
      return (await loadActionByKey(deps.db, action.idempotencyKey)) ?? action;
    }
  }
  await saveActionEnd(deps.db, action.id, { state: "done" }, deps.now());
  return (await loadActionByKey(deps.db, action.idempotencyKey)) ?? action;
}

/** The `i`th write of an action as its connector takes it; the action id tells the writes apart. */
function toWriteRequest(action: StoredAction, i: number, settings: unknown): WriteRequest<unknown> {
  const write = action.plan[i]!;
  return {
    settings,
    actionId: i === 0 ? action.id : `${action.id}-${i}`,
    kind: write.kind,
    target: write.target,
    text: write.text,
    people: write.people,
    // Teams can only recognise an earlier write by its words since the action was recorded.
    recordedAt: new Date(action.createdAt),
    signal: AbortSignal.timeout(WRITE_TIMEOUT_MS),
  };
}

/**
 * Earlier attempts of this action on this flag that failed in a way a retry may mend: the first one whose next
 * write is found in its source is finished (found first, never written again) and answered; the others
 * wrote nothing, so they fail for good as replaced, and the new request writes afresh. A source that cannot
 * be asked leaves them as they are.
 */
async function settleEarlierAttempts(
  deps: ActionDeps,
  flagId: string,
  action: FlagActionName,
): Promise<StoredAction | null> {
  const open = (await loadActionsOfFlag(deps.db, flagId)).filter(
    (a) => a.action === action && a.state === "failed" && a.retryable,
  );
  for (const earlier of open) {
    const i = earlier.results.length;
    const write = earlier.plan[i];
    const connector = write ? deps.connectors[write.source] : undefined;
    const settings = write ? deps.sourceSettings[write.source] : undefined;
    if (!write || !connector?.actions || settings === undefined || settings === null) continue;
    let found: WriteResult | null;
    try {
      found = await connector.actions.find(toWriteRequest(earlier, i, settings));
    } catch (err) {
      deps.log.error("looking for an earlier write failed", err, { action: earlier.id, flag: flagId });
      continue;
    }
    if (found === null) {
      const error = "Replaced by a later attempt; this one wrote nothing.";
      await saveActionEnd(deps.db, earlier.id, { state: "failed", error, retryable: false }, deps.now());
      continue;
    }
    const now = deps.now();
    const claimed = await claimAction(
      deps.db,
      earlier.id,
      now,
      new Date(now.getTime() + (deps.holdMs ?? HOLD_MS)),
    );
    if (!claimed) return (await loadActionByKey(deps.db, earlier.idempotencyKey)) ?? earlier;
    return attempt(deps, claimed);
  }
  return null;
}

/** A flag's actions so far, newest first, as `POST` answered them. */
export async function loadFlagActionOutcomes(db: Db, flagId: string): Promise<ActionOutcome[]> {
  return (await loadActionsOfFlag(db, flagId)).map(toOutcome);
}

async function loadContext(
  deps: ActionDeps,
  flagId: string,
  action?: FlagActionName,
): Promise<ActionContext> {
  const context = await loadActionContext(deps.db, flagId, deps.flagSettings);
  if (!context?.task) throw new ActionError("not_found", `No flag ${flagId}.`);
  if (action !== undefined && !ACTIONS_OF_KIND[context.flag.kind].includes(action)) {
    throw new ActionError("not_found", `No action ${action} for a ${context.flag.kind} flag.`);
  }
  return context;
}

async function toPlanInput(
  deps: ActionDeps,
  context: ActionContext,
  caller: ActionCaller,
): Promise<PlanInput> {
  const sources: PlanInput["sources"] = Object.fromEntries(
    deps.flagSettings.sources.map((s) => [s.id, { label: s.label, place: s.place }]),
  );
  const hidden = caller.reader
    ? await loadHiddenItemIds(
        deps.db,
        context.items.map((i) => i.id),
        caller.reader,
      )
    : new Set<string>();
  return {
    flag: context.flag,
    task: context.task!,
    items: hidden.size === 0 ? context.items : context.items.filter((i) => !hidden.has(i.id)),
    team: context.team,
    actor: { name: await loadCallerName(deps.db, caller) },
    templates: deps.templates,
    sources,
    timeZone: deps.flagSettings.timeZone,
    now: deps.now(),
  };
}

/** The caller's name as the people table knows them, else their email (or `admin`). */
async function loadCallerName(db: Db, caller: ActionCaller): Promise<string> {
  if (!caller.email) return caller.by;
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select name from people where lower(email) = lower(${caller.email}) and merged_into is null limit 1`,
  );
  return rows[0]?.name ?? caller.email;
}

const toChoice = (input: ActionInput): PlanChoice => ({
  ...(input.text !== undefined ? { text: input.text } : {}),
  ...(input.assignee !== undefined ? { assignee: input.assignee } : {}),
});

/** The plan with what the credentials allow: disabled with the scope it needs when any write is not allowed. */
async function toPreview(deps: ActionDeps, flagId: string, plan: ActionPlan): Promise<ActionPreview> {
  const now = deps.now();
  const accounts: string[] = [];
  let needs: string | null = null;
  for (const write of plan.writes) {
    const access = await loadWriteAccess(
      deps.connectors[write.source],
      deps.sourceSettings[write.source],
      write.kind,
      now,
    );
    if (access.allowed) {
      if (!accounts.includes(access.account)) accounts.push(access.account);
    } else needs ??= access.needs;
  }
  return {
    flagId,
    action: plan.action,
    label: plan.label,
    writes: plan.writes.map(({ target: _target, ...write }) => write),
    account: accounts.length > 0 ? accounts.join(", ") : null,
    enabled: needs === null && plan.unavailable === null && plan.writes.length > 0,
    needs,
    reason: plan.unavailable,
    editable: plan.editable,
    choices: plan.choices,
  };
}

function toOutcome(a: StoredAction): ActionOutcome {
  return {
    id: a.id,
    flagId: a.flagId,
    taskKey: a.taskKey,
    action: a.action,
    state: a.state,
    retryable: a.state === "failed" && a.retryable,
    error: a.error,
    by: a.by,
    createdAt: a.createdAt,
    doneAt: a.doneAt,
    writes: a.plan.map(({ target: _target, ...write }) => write),
    results: a.results,
  };
}
