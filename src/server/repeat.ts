/**
 * Runs `work` every `everyMs` on Node, never two at once (a tick that comes while one runs waits for it), and
 * now as well when `atStart`; a failure goes to `onError` and the next tick runs as usual. `stop` waits for a
 * run in hand. The timer does not keep the process alive.
 */
export function repeat(
  work: () => Promise<void>,
  options: { everyMs: number; atStart: boolean; onError: (err: unknown) => void },
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        await work();
      } catch (err) {
        options.onError(err);
      }
    });
  };
  if (options.atStart) tick();
  const timer = setInterval(tick, options.everyMs);
  timer.unref?.();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
