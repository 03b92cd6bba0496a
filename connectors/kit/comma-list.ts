/**
 * Comma-separated lists, as the environment variables spell them (`JIRA_PROJECTS=PROJ, OPS`): one reading for
 * every connector's settings and the core's, so that spaces and empty entries mean the same everywhere.
 */
import { z } from "zod";

/** `" a, b,,c "` → `["a", "b", "c"]`: entries trimmed, empty ones dropped; unset or blank is `[]`. */
export function toCommaList(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** An optional comma-separated variable as its entries (unset: none); pipe it into the entries' own schema. */
export const CommaListSchema = z.string().optional().transform(toCommaList);
