import { escapeToBuffer } from "hono/utils/html";

/**
 * `value` escaped for HTML text or a quoted attribute, exactly as Hono's JSX and `html` escape it (its own
 * `escapeToBuffer`), for markup written as plain strings.
 */
export function escapeHtml(value: string): string {
  const buffer: [string] = [""];
  escapeToBuffer(value, buffer);
  return buffer[0];
}
