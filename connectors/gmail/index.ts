/**
 * The Gmail connector: one mailbox's messages through the Gmail API (`@googleapis/gmail`, OAuth 2.0 from its
 * `auth` export). See README.md in this folder for the OAuth client, the scope and Gmail's limits.
 */

import type { Connector } from "../types.ts";
import { defineConnector } from "../types.ts";
import { gmailAbout } from "./about.ts";
import { type GmailSettings, gmailSettingsFromEnv } from "./config.ts";
import { mapGmailRecord } from "./map.ts";
import type { GmailPullOptions } from "./pull.ts";
import { gmailWebhook } from "./webhook.ts";

export type { GmailSettings } from "./config.ts";
export type { GmailPullNotice, GmailPullOptions } from "./pull.ts";

// The SDK and the pull load on first use (dynamic imports below), so a process that only reads what the
// product says of a source (the web view, the digest, relink) never loads them.

/** A Gmail connector; options change only how it retries, batches and logs (tests use all three). */
export function createGmailConnector(options: GmailPullOptions = {}): Connector<"gmail", GmailSettings> {
  return defineConnector({
    id: "gmail",
    about: gmailAbout,
    fromEnv: gmailSettingsFromEnv,
    // One mailbox: GMAIL_USER (`me`, the account that granted access).
    listScopes: async (settings) => [settings.user],
    async *pull(request) {
      yield* (await import("./pull.ts")).pullGmailMailbox(request, options);
    },
    map: mapGmailRecord,
    webhook: gmailWebhook,
  });
}

export const gmailConnector = createGmailConnector();
