/** The settings page of a person's own mailboxes: connect one, see each one's last sync and state, disconnect. */
import type { ConnectedMailboxInfo } from "../store/connected-mailboxes.ts";
import { FormBasics, Layout, type PageContext } from "./components.tsx";
import { toWhen } from "./format.ts";

const STATE_TEXT: Record<ConnectedMailboxInfo["state"], string> = {
  ok: "Syncing",
  waiting: "Waiting for its first sync",
  reconnect: "Reconnect: Google no longer lets Threadline read it",
};

export function MailboxesPage(props: {
  ctx: PageContext;
  /** Null when nobody in particular is signed in (the local admin), who has no mailbox of their own. */
  mailboxes: readonly ConnectedMailboxInfo[] | null;
  /** Why connecting is not possible here (no OAuth client configured), or null. */
  unavailable: string | null;
}) {
  const { ctx, mailboxes } = props;
  const when = (d: Date) => toWhen(d.toISOString(), ctx.timeZone);
  return (
    <Layout title="Your mailbox" ctx={ctx} nav="mailbox">
      <h1>Your mailbox</h1>
      {mailboxes === null ? (
        <p class="empty">
          Connecting a mailbox needs sign-in with your team account (OpenID Connect), so that the mailbox is
          yours.
        </p>
      ) : (
        <>
          <p>
            Connect your Gmail so that client email which lands only with you reaches the tasks it is about.
            Threadline reads it (read-only) and keeps only messages that name a task or involve someone
            outside the team; everything else is never stored. Disconnecting revokes the access at Google and
            removes the kept messages no task needs.
          </p>
          {props.unavailable ? (
            <p class="empty">{props.unavailable}</p>
          ) : (
            <form method="post" action="/settings/mailboxes/connect">
              <FormBasics ctx={ctx} />
              <button type="submit">Connect Gmail</button>
            </form>
          )}
          <section aria-labelledby="your-mailboxes">
            <h2 id="your-mailboxes">Connected</h2>
            {mailboxes.length === 0 ? (
              <p class="empty">You have connected no mailbox.</p>
            ) : (
              <table class="list">
                <caption class="visually-hidden">Your connected mailboxes</caption>
                <thead>
                  <tr>
                    <th scope="col">Address</th>
                    <th scope="col">Connected since</th>
                    <th scope="col">Last sync</th>
                    <th scope="col">State</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {mailboxes.map((m) => (
                    <tr data-mailbox={m.address}>
                      <td>{m.address}</td>
                      <td>{when(m.connectedAt)}</td>
                      <td>{m.lastSyncAt ? when(m.lastSyncAt) : "Not yet"}</td>
                      <td>{STATE_TEXT[m.state]}</td>
                      <td>
                        {m.state === "reconnect" && !props.unavailable && (
                          <form class="inline" method="post" action="/settings/mailboxes/connect">
                            <FormBasics ctx={ctx} />
                            <button type="submit" aria-label={`Reconnect ${m.address}`}>
                              Reconnect
                            </button>
                          </form>
                        )}{" "}
                        <form class="inline" method="post" action="/settings/mailboxes/disconnect">
                          <FormBasics ctx={ctx} />
                          <input type="hidden" name="scope" value={m.scope} />
                          <button type="submit" aria-label={`Disconnect ${m.address}`}>
                            Disconnect
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </Layout>
  );
}
