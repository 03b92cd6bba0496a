/**
 * A turn of the event loop (timers and I/O included): long work on the thread that also serves the web, as it
 * does with the embedded database, awaits it between its parts so that what waits gets answered.
 */
export const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
