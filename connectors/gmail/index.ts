/**
 * The Gmail connector: one mailbox's messages through the Gmail API (`@googleapis/gmail`, OAuth 2.0 from its
 * `auth` export). See README.md in this folder for the OAuth client, the scope and Gmail's limits.
 */

import type { ActionHandler, Connector } from "../types.ts";
import { ConnectorError, defineConnector } from "../types.ts";
import { gmailAbout } from "./about.ts";
import { type GmailSettings, gmailSettingsFromEnv, isConnectedScope, toMailboxSettings } from "./config.ts";
import { mapGmailRecord } from "./map.ts";
import type { GmailPullOptions } from "./pull.ts";
import { gmailWebhook } from "./webhook.ts";

export type { ConnectedMailbox, GmailSettings } from "./config.ts";
export { isConnectedScope, toConnectedScope } from "./config.ts";
export type { GmailPullNotice, GmailPullOptions } from "./pull.ts";

// The SDK and the pull load on first use (dynamic imports below), so a process that only reads what the
// product says of a source (the web view, the digest, relink) never loads them.

/** Draft replies (actions.ts), with the SDK loaded on the first call. */
function lazyActions(options: GmailPullOptions): ActionHandler<GmailSettings> {
  const load = async () =>
    (await import("./actions.ts")).createGmailActions(options.retry ? { retry: options.retry } : {});
  return {
    kinds: ["draft_reply"],
    access: async (request) => (await load()).access(request),
    find: async (request) => (await load()).find(request),
    write: async (request) => (await load()).write(request),
  };
}

/** A Gmail connector; options change only how it retries, batches and logs (tests use all three). */
export function createGmailConnector(options: GmailPullOptions = {}): Connector<"gmail", GmailSettings> {
  return defineConnector({
    id: "gmail",
    about: gmailAbout,
    fromEnv: gmailSettingsFromEnv,
    // The configured mailbox (GMAIL_USER: `me`, the account that granted access), and each mailbox a
    // person connected (`connected:<address>`).
    listScopes: async (settings) => [
      ...(settings.auth ? [settings.user] : []),
      ...settings.connected.map((m) => m.scope),
    ],
    async *pull(request) {
      const settings = toMailboxSettings(request.settings, request.scope);
      if (!settings) {
        throw new ConnectorError(
          "gmail",
          "forbidden",
          `no credentials for ${request.scope}: ${isConnectedScope(request.scope) ? "its owner reconnects it on their settings page" : "set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GMAIL_REFRESH_TOKEN"}`,
        );
      }
      yield* (await import("./pull.ts")).pullGmailMailbox({ ...request, settings }, options);
    },
    map: mapGmailRecord,
    webhook: gmailWebhook,
    actions: lazyActions(options),
  });
}

export const gmailConnector = createGmailConnector();
