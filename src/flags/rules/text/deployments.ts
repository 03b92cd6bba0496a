import { type Sentences, toSentenceSet } from "./clean.ts";

/** What a message says about shipping: it is live, it was rolled back, or nothing. */
export type DeploySignal = "deployed" | "rolled_back" | null;

const SHIPPED = /\b(?:deployed|shipped|released|rolled out|pushed|promoted|went out|is out)\b/i;
const PRODUCTION =
  /\b(?:prod|production|live|customers|all users|everyone|v\d+(?:\.\d+)+|release|app store|play store)\b/i;
const LIVE =
  /\b(?:is live|went live|now live|live now|it's live|(?:is |now )?in production|on production|on prod|in prod)\b/i;
const NOT_YET =
  /\b(?:not|n't|never|yet to|will|going to|gonna|'ll|tomorrow|tonight|later|next|scheduled|planning|plan to|about to|once|after|when|should be|failed|failing|fails|error|staging|uat|preview|dev env)\b/i;
const ROLLED_BACK =
  /\b(?:rolled back|rollback of|reverted|revert(?:ed)? the (?:release|deploy|deployment))\b/i;

/**
 * Whether a message confirms that the work is in production ("deployed to prod 🚀", "v2.14.0 is live"), or
 * that a deployment was rolled back. Plans ("will deploy tomorrow"), questions ("is it live?"), failures and
 * staging deployments confirm nothing.
 */
export function toDeploySignal(text: string | Sentences): DeploySignal {
  const { plain } = typeof text === "string" ? toSentenceSet(text) : text;
  let signal: DeploySignal = null;
  for (const s of plain) {
    if (s.includes("?")) continue;
    if (ROLLED_BACK.test(s) && !/\b(?:will|going to|might|may|if)\b/i.test(s)) return "rolled_back";
    if (NOT_YET.test(s)) continue;
    if ((SHIPPED.test(s) && PRODUCTION.test(s)) || LIVE.test(s)) signal = "deployed";
  }
  return signal;
}
