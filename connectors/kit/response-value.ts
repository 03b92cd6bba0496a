import { z } from "zod";
import type { JsonValue } from "../types.ts";

/**
 * A value of a response or webhook body. It came out of `JSON.parse` (through the SDK or the request), so it
 * is JSON by construction; validating every nested value again (`z.json()`) costs time in proportion to the
 * nodes, and a comment in Atlassian Document Format with a line break every few characters holds hundreds of
 * thousands of them (seconds of the event loop for one megabyte).
 */
export const ResponseValueSchema = z.custom<JsonValue>((v) => v !== undefined);
