/** How the sync engine bounds the work in flight: no I/O of its own, only promises. */

/** A function that runs work with at most `limit` pieces in flight, the others waiting their turn in order. */
export function createLimiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    if (active >= Math.max(1, limit)) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Runs `work` over `list` with at most `limit` at a time. */
export async function eachLimited<T>(
  list: readonly T[],
  limit: number,
  work: (t: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, list.length)) }, async () => {
    while (next < list.length) {
      const t = list[next++]!;
      await work(t);
    }
  });
  await Promise.all(lanes);
}
