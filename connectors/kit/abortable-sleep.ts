/**
 * Waits `ms`, or less when `signal` aborts; never rejects (the caller checks the signal). Shared by the
 * connectors' own waits (Retry-After, pacing) and the sync engine's retries, so a stopped run ends at once.
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
