import { compileLinkContext, findLinks, type LinkContext, resolveLinks } from "../linking/index.ts";
import type { Linker } from "../store/item-links.ts";

/** The pure linking rules bound to the configured sources (patterns built once), as the store calls them. */
export function createLinker(context: LinkContext): Linker {
  const compiled = compileLinkContext(context);
  return {
    direct: (item) => findLinks(item, compiled),
    resolve: (item, threadLinks) => resolveLinks(item, compiled, threadLinks),
  };
}
