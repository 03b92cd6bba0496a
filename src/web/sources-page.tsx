/** The Sources page (admins): each source and scope with its state, the reason and what to do, its passes and pushes. */
import { labelOf } from "../model/source-about.ts";
import type { SourceStatus } from "../model/source-status.ts";
import { Layout, type PageContext } from "./components.tsx";
import { toWhen } from "./format.ts";

const STATE_LABELS: Record<SourceStatus["state"], string> = {
  ok: "OK",
  failing: "Failing",
  rate_limited: "Rate-limited",
  disabled: "Disabled",
};

function PushCell(props: { push: SourceStatus["push"]; timeZone: string }) {
  const { push } = props;
  if (!push) return <>—</>;
  return (
    <>
      {push.kind === "webhook" ? "Webhook" : "Subscription"} {push.state}
      {push.lastDeliveryAt && (
        <div class="meta">last delivery {toWhen(push.lastDeliveryAt, props.timeZone)}</div>
      )}
      {push.expiresAt && <div class="meta">expires {toWhen(push.expiresAt, props.timeZone)}</div>}
    </>
  );
}

export function SourcesPage(props: { ctx: PageContext; statuses: SourceStatus[] }) {
  const { ctx } = props;
  const when = (at: string | null, none: string) => (at ? toWhen(at, ctx.timeZone) : none);
  return (
    <Layout title="Sources" ctx={ctx} nav="sources">
      <h1>Sources</h1>
      <table class="list sources">
        <caption class="visually-hidden">Each source and scope as its last pass left it</caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Scope</th>
            <th scope="col">State</th>
            <th scope="col">Reason</th>
            <th scope="col">Last success</th>
            <th scope="col">Next pass</th>
            <th scope="col">Push</th>
          </tr>
        </thead>
        <tbody>
          {props.statuses.map((s) => (
            <tr data-source={s.source} data-scope={s.scope ?? ""} data-state={s.state}>
              <td>{labelOf(ctx.sources, s.source)}</td>
              <td>{s.scope ?? "—"}</td>
              <td class={`state state-${s.state}`}>
                {STATE_LABELS[s.state]}
                {s.rateLimitedUntil && (
                  <div class="meta">until {toWhen(s.rateLimitedUntil, ctx.timeZone)}</div>
                )}
              </td>
              <td class="reason">
                {s.lastError && <div class="error-text">{s.lastError}</div>}
                {s.action && <div class="meta">{s.action}</div>}
                {!s.lastError && !s.action && "—"}
              </td>
              <td>
                {when(s.lastSuccessAt, s.state === "disabled" ? "—" : "never")}
                {s.itemsSeen !== null && <div class="meta">{s.itemsSeen} items last pass</div>}
              </td>
              <td>{when(s.nextRunAt, s.state === "disabled" ? "—" : "on request")}</td>
              <td>
                <PushCell push={s.push} timeZone={ctx.timeZone} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
