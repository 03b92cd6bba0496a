/** `node --import` this to run a TypeScript file from any working directory (tsx's own loader, resolved here). */
export const TSX_LOADER = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
