import { type Sentences, toSentenceSet } from "./clean.ts";

/** What a message says about shipping: it is live, it was rolled back, or nothing. */
export type DeploySignal = "deployed" | "rolled_back" | null;

const SHIPPED = /\b(?:deployed|shipped|released|rolled out|pushed|promoted|went out|is out)\b/i;
const PRODUCTION =
  /\b(?:prod|production|live|customers|all users|everyone|v\d+(?:\.\d+)+|release|app store|play store)\b/i;
/**
 * Said plainly, a past "shipped", "deployed", "rolled out" or "released" on a finished task means production,
 * unless the sentence names another target ("to staging", "the design to the client for review").
 */
const SHIPPED_PLAIN = /\b(?:deployed|shipped|released|rolled out|went out|is out|it's out)\b/i;
const OTHER_TARGET =
  /\b(?:staging|uat|preview|sandbox|canary|beta|designs?|mockups?|branch|testsystem)\b|\b(?:to|on|in|into|for) (?:the |our |their |a )?(?:stage|qa|dev|development|test|testing|review|internal)\b|\bentorno de pruebas\b/i;
/** "Deploy done", "the deploy in production is done", "rollout finished". */
const DEPLOY_DONE =
  /\b(?:deploy|deployment|release|rollout|roll-out)(?: (?:in|to|on) (?:prod|production|live))? (?:is |was |has )?(?:done|complete|completed|finished|successful|succeeded|through)\b/i;
/** Live in English, German ("jetzt live", "ist online") and Spanish ("en producción", "ya está publicado"). */
const LIVE =
  /\b(?:is live|went live|now live|live now|it's live|(?:is |now )?in production|on production|on prod|in prod|jetzt live|ist live|sind live|(?:ist|sind) (?:jetzt )?online|(?:live|online) (?:gegangen|geschaltet)|en producci[oó]n|ya est[aá] (?:publicad[oa]|desplegad[oa]|en vivo|online))(?![\p{L}])/iu;
const NOT_YET =
  /\b(?:not|n't|never|yet to|will|going to|gonna|'ll|tomorrow|tonight|later|next|scheduled|planning|plan to|about to|once|after|when|should be|failed|failing|fails|error|staging|uat|preview|dev env|noch nicht|morgen|bald|geplant|wird|werden|todavía|aún no|no est[aá]|mañana|pronto|vamos a)(?![\p{L}])/iu;
const ROLLED_BACK =
  /\b(?:rolled back|rollback of|reverted|revert(?:ed)? the (?:release|deploy|deployment)|backed (?:it |this )?out|backed out the (?:release|deploy|deployment|change)|pulled (?:the|this|that) (?:release|deploy|deployment|update|build|version))\b/i;

/**
 * Words one of which every sentence the patterns above find contains (a shipped or plain verb, a deploy
 * that is done, live or production, a roll-back), under the most lenient case folding any of them uses.
 */
const DEPLOY_HINT =
  /deploy|shipped|releas|rolled|rollback|rollout|roll-out|revert|backed|pulled|pushed|promoted|went out|is out|'s out|live|prod|online|ya est/iu;

/**
 * Whether a message's new text (with plain apostrophes and dashes) may say it shipped or was rolled back: a text
 * without a hint word has no sentence that does, so its sentences need not be split.
 */
export const mayTellOfDeployment = (plainText: string) => DEPLOY_HINT.test(plainText);

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
    if (
      (SHIPPED.test(s) && PRODUCTION.test(s)) ||
      LIVE.test(s) ||
      ((SHIPPED_PLAIN.test(s) || DEPLOY_DONE.test(s)) && !OTHER_TARGET.test(s))
    )
      signal = "deployed";
  }
  return signal;
}
