/**
 * People's own mailboxes in a sync pass: their grants opened and handed to the Gmail source as scopes, and
 * their pages kept to work mail before anything is saved.
 */
import { sql } from "drizzle-orm";
import type { ConnectedMailbox, GmailSettings } from "../../connectors/gmail/index.ts";
import type { Connector, PulledPage, RawRecord } from "../../connectors/types.ts";
import { openSecretBox } from "../secrets/secret-box.ts";
import { loadConnectedMailboxes } from "../store/connected-mailboxes.ts";
import type { Db } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import { queryRows } from "../store/rows.ts";
import type { SyncSource } from "./engine.ts";
import { isWorkMail } from "./work-mail.ts";

/**
 * The sources with each connected mailbox added to the Gmail source's scopes (when Gmail's OAuth client is
 * configured). A grant that does not open (another key, a damaged row) is left out and said in `problems`;
 * the others are read.
 */
export async function withConnectedMailboxes(
  db: Db,
  sources: readonly SyncSource[],
  secretKey: string | undefined,
): Promise<{ sources: SyncSource[]; problems: string[] }> {
  const gmail = sources.find((s) => s.connector.id === "gmail");
  const settings = gmail?.settings as GmailSettings | undefined;
  if (!gmail || !settings?.client) return { sources: [...sources], problems: [] };
  const rows = await loadConnectedMailboxes(db);
  if (rows.length === 0) return { sources: [...sources], problems: [] };
  const problems: string[] = [];
  let box: Awaited<ReturnType<typeof openSecretBox>>;
  try {
    box = await openSecretBox(secretKey);
  } catch (err) {
    return { sources: [...sources], problems: [err instanceof Error ? err.message : String(err)] };
  }
  const connected: ConnectedMailbox[] = [];
  for (const row of rows) {
    try {
      connected.push({ scope: row.scope, refreshToken: await box.open(row.sealedRefreshToken, row.scope) });
    } catch {
      problems.push(
        `[threadline] [gmail] the stored grant of ${row.scope} does not open with THREADLINE_SECRET_KEY: its owner reconnects it`,
      );
    }
  }
  return {
    sources: sources.map((s) => (s === gmail ? { ...s, settings: { ...settings, connected } } : s)),
    problems,
  };
}

/**
 * A page of a connected mailbox with only its work mail: records whose email names a task, involves an
 * outsider, or continues a thread or answers a message already stored (or kept on this page).
 */
export async function keepWorkMail(
  db: Db,
  connector: Connector,
  page: PulledPage,
  options: { scopeId: number; linker: Linker; teamDomains: readonly string[] },
): Promise<PulledPage> {
  const judged = page.records.map((record) => {
    let items: ReturnType<Connector["map"]>["items"];
    try {
      items = connector.map(record).items ?? [];
    } catch {
      // Saving it fails the page with the mapper's own error, as for any mailbox.
      return { record, items: [], keep: true };
    }
    return { record, items, keep: items.some((i) => isWorkMail(i, options.linker, options.teamDomains)) };
  });
  const undecided = judged.filter((j) => !j.keep && j.items.length > 0);
  if (undecided.length > 0) {
    const threads = new Set<string>();
    const messageIds = new Set<string>();
    for (const j of judged.filter((x) => x.keep))
      for (const item of j.items) {
        if (item.threadId) threads.add(item.threadId);
        if (item.meta.messageId) messageIds.add(item.meta.messageId);
      }
    const askThreads = undecided
      .flatMap((j) => j.items.map((i) => i.threadId))
      .filter((t): t is string => !!t);
    const askParents = undecided.flatMap((j) =>
      j.items.flatMap((i) => [...(i.meta.references ?? []), ...(i.meta.inReplyTo ? [i.meta.inReplyTo] : [])]),
    );
    const stored = await queryRows<{ thread_id: string | null; message_id: string | null }>(
      db,
      sql`select thread_id, meta->>'messageId' as message_id from items
          where source = 'gmail' and deleted_at is null
            and ((scope_id = ${options.scopeId} and thread_id in (select jsonb_array_elements_text(${JSON.stringify(askThreads)}::jsonb)))
              or meta->>'messageId' in (select jsonb_array_elements_text(${JSON.stringify(askParents)}::jsonb)))`,
    );
    for (const row of stored) {
      if (row.thread_id) threads.add(row.thread_id);
      if (row.message_id) messageIds.add(row.message_id);
    }
    for (const j of undecided) {
      j.keep = j.items.some(
        (i) =>
          (i.threadId !== null && threads.has(i.threadId)) ||
          [...(i.meta.references ?? []), ...(i.meta.inReplyTo ? [i.meta.inReplyTo] : [])].some((id) =>
            messageIds.has(id),
          ),
      );
    }
  }
  const records: RawRecord[] = judged.filter((j) => j.keep).map((j) => j.record);
  return { ...page, records };
}
