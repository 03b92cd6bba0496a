/** The settings page of personal API tokens: make one (its secret shown once), see them, revoke one. */
import type { ApiTokenInfo } from "../store/api-tokens.ts";
import { FormBasics, Layout, type PageContext } from "./components.tsx";
import { toWhen } from "./format.ts";

/** The lifetimes a token may be given; at most a year, so a forgotten token does not work for ever. */
export const TOKEN_LIFETIMES_DAYS = [7, 30, 90, 365] as const;
export const DEFAULT_LIFETIME_DAYS = 90;

export function TokensPage(props: {
  ctx: PageContext;
  /** Null for the local admin, who is nobody in particular and so cannot have tokens. */
  tokens: readonly ApiTokenInfo[] | null;
  /** A token just made: its name and its secret, the one time it is shown. */
  created?: { name: string; secret: string } | undefined;
}) {
  const { ctx, tokens } = props;
  const when = (d: Date) => toWhen(d.toISOString(), ctx.timeZone);
  return (
    <Layout title="API tokens" ctx={ctx} nav="settings">
      <h1>API tokens</h1>
      {tokens === null ? (
        <p class="empty">
          Personal API tokens need sign-in with your team account (OpenID Connect), so that each token acts as
          a person. Signed in with the deployment's API token, you are the local admin: scripts can use
          THREADLINE_API_TOKEN itself.
        </p>
      ) : (
        <>
          <p>
            A token calls the JSON API at <code>/api</code> as you:{" "}
            <code>Authorization: Bearer tl_pat_…</code>. Snoozes and dismissals it makes are recorded as
            yours. A <em>read</em> token can only read; <em>read and write</em> can change flags and links
            too.
          </p>
          {props.created && (
            <section class="new-token" aria-labelledby="new-token">
              <h2 id="new-token">Token “{props.created.name}” made</h2>
              <p role="status">Copy it now: it is not shown again, and Threadline keeps only a hash of it.</p>
              <p>
                <label for="secret">Your new token</label>
                <input
                  type="text"
                  id="secret"
                  readonly
                  value={props.created.secret}
                  size={60}
                  autocomplete="off"
                  spellcheck={false}
                />
              </p>
            </section>
          )}
          <section aria-labelledby="make-token">
            <h2 id="make-token">Make a token</h2>
            <form method="post" action="/settings/tokens">
              <FormBasics ctx={ctx} />
              <p>
                <label for="token-name">Name</label>{" "}
                <input
                  type="text"
                  id="token-name"
                  name="name"
                  required
                  maxlength={80}
                  placeholder="What uses it: my laptop's script"
                />
              </p>
              <fieldset>
                <legend>Scopes</legend>
                <label>
                  <input type="radio" name="scopes" value="read" checked /> Read
                </label>{" "}
                <label>
                  <input type="radio" name="scopes" value="write" /> Read and write
                </label>
              </fieldset>
              <p>
                <label for="token-expiry">Expires in</label>{" "}
                <select id="token-expiry" name="days" required>
                  {TOKEN_LIFETIMES_DAYS.map((days) => (
                    <option value={String(days)} selected={days === DEFAULT_LIFETIME_DAYS}>
                      {days === 365 ? "1 year" : `${days} days`}
                    </option>
                  ))}
                </select>
              </p>
              <button type="submit">Make token</button>
            </form>
          </section>
          <section aria-labelledby="your-tokens">
            <h2 id="your-tokens">Your tokens</h2>
            {tokens.length === 0 ? (
              <p class="empty">You have no tokens.</p>
            ) : (
              <table class="list">
                <caption class="visually-hidden">Your API tokens</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col">
                      <span class="visually-hidden">Revoke</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((t) => (
                    <tr data-token={t.id}>
                      <td>{t.name}</td>
                      <td>{t.scopes.join(", ")}</td>
                      <td>{when(t.createdAt)}</td>
                      <td>{t.lastUsedAt ? when(t.lastUsedAt) : "Never"}</td>
                      <td>{t.expiresAt > ctx.now ? when(t.expiresAt) : `Expired ${when(t.expiresAt)}`}</td>
                      <td>
                        <form
                          class="inline"
                          method="post"
                          action={`/settings/tokens/${encodeURIComponent(t.id)}/revoke`}
                        >
                          <FormBasics ctx={ctx} />
                          <button type="submit" aria-label={`Revoke ${t.name}`}>
                            Revoke
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
