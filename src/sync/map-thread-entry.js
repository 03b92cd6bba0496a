// Plain JavaScript: a thread starts without the TypeScript loader of the thread that made it.
import { register } from "tsx/esm/api";

register();
await import("./map-thread-worker.ts");
