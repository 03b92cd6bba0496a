/**
 * Values reused for a few seconds, per key: a load in flight is shared by every request that asks meanwhile,
 * a failed one is forgotten at once, and `clear` drops everything (after any change made through the web).
 */
export function shortLived<T>(ttlMs: number, maxKeys = 200) {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return {
    get(key: string, load: () => Promise<T>): Promise<T> {
      const clock = Date.now();
      const hit = entries.get(key);
      if (hit && clock - hit.at < ttlMs) return hit.value;
      if (entries.size >= maxKeys) entries.clear();
      const value = load();
      const entry = { at: clock, value };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return value;
    },
    clear(): void {
      entries.clear();
    },
  };
}
