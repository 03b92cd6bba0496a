/**
 * Acting on a flag in the web view: each flag's action buttons, the preview page (what will be written,
 * where, as which account; the text editable; nothing written until the person presses the button) and the
 * task page's actions (pending on the timeline, listed with who did them).
 */
import type { WritePerson } from "../../connectors/types.ts";
import { actionPreviewPath } from "../actions/action-links.ts";
import type { ActionPreview, PlannedWrite, TaskAction } from "../actions/action-types.ts";
import { ACTION_LABELS } from "../actions/plan-actions.ts";
import type { FlagKind } from "../model/kinds.ts";
import { labelOf } from "../model/source-about.ts";
import { Layout, type PageContext, SourceBadge } from "./components.tsx";
import { FLAG_LABELS, toSafeUrl, toWhen } from "./format.ts";

// ---------------------------------------------------------------------------------------------------------
// The preview page
// ---------------------------------------------------------------------------------------------------------

/** The flag an action is for, as the preview page introduces it. */
export interface PreviewFlag {
  id: string;
  kind: FlagKind;
  reason: string;
  taskKey: string;
  title: string;
}

/** Message writes carry the text the person may edit; the first of them is the one the form's `text` sets. */
const MESSAGE_KINDS = new Set<PlannedWrite["kind"]>(["comment", "reply", "draft_reply"]);

const PEOPLE_LABELS: Record<PlannedWrite["kind"], string> = {
  comment: "Mentions",
  reply: "Mentions",
  draft_reply: "To",
  assign: "Assignee",
  request_review: "Reviewers",
  reopen: "People",
};

const names = (people: readonly WritePerson[]) => people.map((p) => p.name).join(", ");

/** The value of an assignee choice in the form: the account's id in the task's source. */
export const choiceValue = (p: WritePerson) => p.externalId;

export function ActionPreviewPage(props: {
  ctx: PageContext;
  flag: PreviewFlag;
  preview: ActionPreview;
  /** Rendered into the form: pressing twice, or a retry of this page's submit, writes once. */
  idempotencyKey: string;
  /** Where to go once the action is done. */
  returnTo: string;
  /** The text to show in the editor (what was typed before a failed attempt); the planned text otherwise. */
  text?: string | undefined;
  /** Why the last attempt did not complete, when the page is shown again after one. */
  failure?: { error: string; retryable: boolean } | undefined;
}) {
  const { ctx, flag, preview } = props;
  const editIndex = preview.editable ? preview.writes.findIndex((w) => MESSAGE_KINDS.has(w.kind)) : -1;
  const formId = "action-form";
  const needsId = "action-needs";
  const path = actionPreviewPath(flag.id, preview.action);
  const sources = [...new Set(preview.writes.map((w) => w.source))];
  return (
    <Layout title={`${preview.label}: ${flag.taskKey}`} ctx={ctx} nav={null}>
      <section class="task-head action-preview" aria-labelledby="preview-title">
        <h1 id="preview-title">
          {preview.label}: <span class="key">{flag.taskKey}</span> {flag.title}
        </h1>
        <p class="meta">
          <span class="kind">{FLAG_LABELS[flag.kind]}</span> <span class="reason">{flag.reason}</span>
        </p>
        <p class="meta">
          <span>
            As <strong data-account>{preview.account ?? "the source's configured account"}</strong>
          </span>
          <span>in {sources.map((s) => labelOf(ctx.sources, s)).join(" and ")}</span>
        </p>
      </section>
      {props.failure && (
        <div class="notice error" role="alert">
          <p>
            {props.failure.retryable
              ? "It did not go through yet: "
              : "It could not be done, and trying again will not help: "}
            {props.failure.error}
          </p>
          {props.failure.retryable && (
            <p>Press the button again to retry: whatever reached the source already is not written twice.</p>
          )}
        </div>
      )}
      {!preview.enabled && (
        <p class="notice error" id={needsId} role="alert">
          {preview.needs ? (
            <>
              Threadline's {sources.map((s) => labelOf(ctx.sources, s)).join(" and ")} credentials lack{" "}
              <code data-needs>{preview.needs}</code>, so this cannot be done from here. An admin can grant it
              (each connector's README lists its write scopes); nothing is tried until then.
            </>
          ) : (
            <>This cannot be done from here: {preview.reason ?? "nothing to write to."}</>
          )}
        </p>
      )}
      <h2>What will be written</h2>
      <ol class="planned">
        {preview.writes.map((write, n) => {
          const url = toSafeUrl(write.url);
          return (
            <li class="planned-write" data-write={write.kind}>
              <p class="item-head">
                <SourceBadge source={write.source} ctx={ctx} />
                {url ? (
                  <a href={url} rel="noopener noreferrer" target="_blank" data-where>
                    {write.where}
                  </a>
                ) : (
                  <span data-where>{write.where}</span>
                )}
              </p>
              {write.people.length > 0 && (
                <p class="meta">
                  {PEOPLE_LABELS[write.kind]}: <span data-people>{names(write.people)}</span>
                </p>
              )}
              {n === editIndex ? (
                <>
                  <label for="action-text">The message (edit it if you like)</label>
                  <textarea
                    id="action-text"
                    name="text"
                    form={formId}
                    rows={Math.min(16, Math.max(5, write.text.split("\n").length + 1))}
                    maxlength={10_000}
                    required
                  >
                    {props.text ?? write.text}
                  </textarea>
                </>
              ) : (
                write.text !== "" && <blockquote class="text">{write.text}</blockquote>
              )}
            </li>
          );
        })}
      </ol>
      <form id={formId} class="action-form" method="post" action={path}>
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        <input type="hidden" name="return" value={props.returnTo} />
        <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
        {preview.action === "assign" && preview.choices.length > 0 && (
          <p>
            <label for="action-assignee">Assign to</label>{" "}
            <select id="action-assignee" name="assignee" required>
              {preview.choices.map((p, n) => (
                <option value={choiceValue(p)} selected={n === 0}>
                  {p.name}
                </option>
              ))}
            </select>
          </p>
        )}
        <p class="action-submit">
          <button
            type="submit"
            data-do-action={preview.action}
            disabled={!preview.enabled}
            aria-describedby={preview.enabled ? undefined : needsId}
          >
            {preview.label}
          </button>
          <a class="button secondary" href={props.returnTo}>
            Cancel
          </a>
        </p>
      </form>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------------------
// The task page: actions taken
// ---------------------------------------------------------------------------------------------------------

const STATE_WORDS: Record<TaskAction["state"], string> = {
  pending: "pending",
  done: "done",
  failed: "failed",
};

const whereOf = (a: TaskAction) => a.writes.map((w) => w.where).join("; then ");

/**
 * The actions taken on the task's flags, newest first: who, what, where, and how it went (with why, for a
 * failure). The person who acted can try a retryable failure again, with the same idempotency key.
 */
export function TaskActions(props: { ctx: PageContext; actions: readonly TaskAction[] }) {
  const { ctx } = props;
  if (props.actions.length === 0) return null;
  const newestFirst = [...props.actions].reverse();
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions taken</h2>
      <table class="list history actions-taken">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Where</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.map((a) => {
            const link = a.results.map((r) => toSafeUrl(r.url)).find((u) => u);
            return (
              <tr data-task-action={a.id} data-state={a.state}>
                <td>
                  <time datetime={a.createdAt}>{toWhen(a.createdAt, ctx.timeZone)}</time>
                </td>
                <td>{a.by}</td>
                <td>{ACTION_LABELS[a.action]}</td>
                <td>
                  {link ? (
                    <a href={link} rel="noopener noreferrer" target="_blank">
                      {whereOf(a)}
                    </a>
                  ) : (
                    whereOf(a)
                  )}
                </td>
                <td>
                  <span class={`pill state-${a.state}`}>{STATE_WORDS[a.state]}</span>
                  {a.error && <span class="action-error"> {a.error}</span>}
                  {a.state === "failed" && a.retryable && (
                    <span class="meta"> (it may go through if tried again)</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Whether an action shows on the timeline: under way, or written and its item not synced yet. */
export const isPendingAction = (a: TaskAction) =>
  a.state === "pending" || (a.state === "done" && a.pendingItems.length > 0);

/**
 * What an action wrote that no sync has brought yet, on the timeline at once: "pending" until the real item
 * arrives and takes its place.
 */
export function PendingItems(props: { ctx: PageContext; actions: readonly TaskAction[] }) {
  const { ctx } = props;
  const pending = props.actions.filter(isPendingAction);
  if (pending.length === 0) return null;
  return (
    <>
      {pending.map((a) => {
        const text = a.writes.find((w) => MESSAGE_KINDS.has(w.kind))?.text ?? "";
        const source = a.writes[0]?.source;
        return (
          <li>
            <article
              class="item pending"
              data-pending-action={a.id}
              data-source={source}
              aria-label={`Pending: ${ACTION_LABELS[a.action]}`}
            >
              <header class="item-head">
                {source && <SourceBadge source={source} ctx={ctx} />}
                <strong>{a.by}</strong>
                <span>{ACTION_LABELS[a.action].toLowerCase()}:</span>
                <span>{whereOf(a)}</span>
                <time datetime={a.createdAt}>{toWhen(a.createdAt, ctx.timeZone)}</time>
                <span class="pill state-pending">
                  {a.state === "pending" ? "pending" : "written; pending until the next sync brings it"}
                </span>
              </header>
              {text !== "" && <p class="text">{text}</p>}
            </article>
          </li>
        );
      })}
    </>
  );
}
