export * from "./digests.ts";
export * from "./flags.ts";
export * from "./inbox.ts";
export * from "./items.ts";
export * from "./people.ts";
export * from "./sessions.ts";
export * from "./sources.ts";
export * from "./tasks.ts";
