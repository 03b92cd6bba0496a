/**
 * Secrets out of log lines, by key name, at any depth and in any case: `Authorization` in a client error's
 * `config.headers`, `refresh_token` in an OAuth error body, `Cookie` in a request. Errors become plain
 * objects (type, message, stack and their own fields) on the way, so their fields are redacted too.
 */

// `auth` alone: a client's credentials object (`settings.auth`), whatever its fields are called.
const SECRET_KEY =
  /authorization|cookie|token|secret|passw|api[-_]?key|credential|database[-_]?url|signature|^auth$/i;
const CENSOR = "[redacted]";
const MAX_DEPTH = 10;

export const isSecretKey = (key: string) => SECRET_KEY.test(key);

export function redactSecrets(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof URL) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    const source = value instanceof Error ? errorFields(value) : value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(source)) {
      out[key] = isSecretKey(key) && v !== undefined && v !== null ? CENSOR : walk(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** What pino's error serializer shows of an error, its cause included, as a plain object. */
function errorFields(err: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: err.constructor?.name ?? "Error", message: err.message };
  if (err.stack) fields.stack = err.stack;
  for (const [key, v] of Object.entries(err)) fields[key] = v;
  if (err.cause !== undefined) fields.cause = err.cause;
  return fields;
}
