/**
 * What each source's configured credentials may write, asked of its connector and kept a few minutes: every
 * preview needs it, and a source's answer changes only when someone changes the token's scopes.
 */
import type { Connector, WriteAccess, WriteKind } from "../../connectors/types.ts";

/** How long an answer is kept. */
export const ACCESS_TTL_MS = 5 * 60_000;

type AccessAnswer = Partial<Record<WriteKind, WriteAccess>>;

/** Kept per settings object: one per configured source and deployment (tests make their own). */
const cache = new WeakMap<object, { at: number; answer: Promise<AccessAnswer> }>();

/**
 * Whether `kind` may be written with these settings: the connector's own answer, or why not (the source
 * cannot write it, or it could not be asked). A failed answer is not kept.
 */
export async function loadWriteAccess(
  connector: Connector | undefined,
  settings: unknown,
  kind: WriteKind,
  now: Date,
): Promise<WriteAccess> {
  if (!connector) return { allowed: false, needs: "the source to be configured" };
  const handler = connector.actions;
  if (!handler?.kinds.includes(kind)) {
    return {
      allowed: false,
      needs: `a ${connector.about.label} connector that can write a ${kind.replace("_", " ")}`,
    };
  }
  if (settings === null || settings === undefined) {
    return { allowed: false, needs: connector.about.envVars.join(", ") };
  }
  const key = settings as object;
  let held = cache.get(key);
  if (!held || now.getTime() - held.at > ACCESS_TTL_MS || now.getTime() < held.at) {
    const answer = handler.access({ settings, signal: AbortSignal.timeout(15_000) });
    held = { at: now.getTime(), answer };
    cache.set(key, held);
    answer.catch(() => {
      if (cache.get(key) === held) cache.delete(key);
    });
  }
  try {
    const answer = await held.answer;
    return (
      answer[kind] ?? {
        allowed: false,
        needs: `${connector.about.label} access to ${kind.replace("_", " ")}`,
      }
    );
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { allowed: false, needs: `credentials ${connector.about.label} accepts (${why})` };
  }
}
