import { readFileSync } from "node:fs";
import type { RawRecord } from "../../connectors/types.ts";

const golden = JSON.parse(
  readFileSync(new URL("../connectors/jira/golden/dc-comment-wiki.json", import.meta.url), "utf8"),
).record as RawRecord;

/** A Jira comment as the connector stores it (the golden Data Center comment), with another id and body. */
export function jiraCommentRecord(id: string, body: string): RawRecord {
  const record = structuredClone(golden) as RawRecord & { data: Record<string, unknown> };
  record.data.id = id;
  record.data.body = body;
  return record;
}
