import type { Reaction } from "../../../model/task-snapshot.ts";
import { type Sentences, toPlain, toSentenceSet } from "./clean.ts";

/** What a message says about approving: yes, yes-but-not-yet, no, or nothing. */
export type ApprovalStance = "approval" | "conditional" | "refusal" | null;

const APPROVAL_WORD =
  /\b(?:approved?|approving|aproved|apporved|approvd|lgtm|looks good(?: to (?:me|us))?|ship ?it|signed[- ]?off|sign[- ]?off (?:given|from (?:me|us|qa|our side)|granted)|good to go|go ahead|go for it|green ?light|all good|fine by (?:me|us)|(?:happy|fine|ok(?:ay)?) for (?:you|u|the team) to (?:close|ship|merge|release|launch|deploy|publish|go ahead|proceed)|ok(?:ay)? (?:from|by) (?:me|us|my side|our side)|happy with (?:this|it|that|the)|(?:we|i)(?:'re| are|'m| am) (?:fine|happy|good) with|works for (?:me|us)|yes,? (?:go|ship|merge|please go)|(?:qa|uat|tests?|testing|regression(?: suite)?|smoke tests?|e2e|checks) (?:passed|(?:are |is )?green|(?:all )?ok|complete[d]?)|passed (?:qa|uat|testing|review)|fix verified|verified (?:the fix|on (?:staging|uat|build))|tested and (?:working|passing|fine|ok|good)|signing[- ]?off(?! for the (?:day|night|week)| now| early)|(?:yes,? )?(?:please|pls|you (?:can|may)|feel free to) (?:proceed|go ahead|go live|close (?:it|this)|ship|release|publish|merge|deploy)|(?:it |this )?can be closed|(?:all |everything )?looks? (?:fine|ok|okay)|verified (?:on|from) (?:our|my) (?:side|end)|freigegeben|abgenommen|passt|einverstanden|in ordnung|grunds[äa]tzlich (?:ok|okay)|(?:von )?(?:unserer|meiner) seite (?:aus )?(?:ok|okay|passt|in ordnung)|aprobad[oa]s?|aprobamos|adelante|visto bueno|luz verde|de acuerdo)\b|✅|✔️|✔|☑️|👍|:\+1:|:white_check_mark:|(?:^|\s)\+1(?:\s|$)/i;

const REFUSAL =
  /\b(?:not|never|isn't|is not|aren't|hasn't|has not|haven't) (?:yet )?(?:been )?(?:approved?|ok(?:ay)?|good to go|ready|lgtm|signed off|happy|verified|passed|tested)\b|\b(?:can't|cannot|can not|won't|will not|couldn't|unable to|not able to|don't|do not|wouldn't) (?:yet )?(?:approve|sign[- ]?off|sign (?:it|this|that) off|give (?:it |this |you )?(?:my |our |the )?(?:approval|sign[- ]?off|go[- ]?ahead|ok))\b|^(?:not yet|nope|no)(?:[,.!:;]|\s+-|$)|\b(?:rejected|reject(?:ing)?|declined?|no[- ]go|nack|hold off|don't merge|do not merge|not happy|changes requested|not (?:yet )?(?:signing|approving)(?: (?:it|this))? ?(?:off)?|no (?:lo )?(?:aprobamos|podemos aprobar)|nicht freigegeben|keine freigabe|passt nicht|nicht einverstanden|nicht (?:ok|okay|in ordnung)|no (?:estamos de acuerdo|est[aá] aprobad[oa]))\b|👎|(?:^|\s)-1(?:\s|$)/i;

/** Conditions that turn a yes into a not-yet: "approved once the copy is fixed". */
const CONDITION =
  /\b(?:once|as soon as|as long as|so long as|on condition|conditional on|contingent on|provided(?: that)?|only if|assuming|pending|subject to|until|if (?:the|you|it|this|that|we|they)|after (?:the|you|we|it|this|that|fixing|[a-z]+ing)|but|apart from|except(?: for)?|other than|in principle|with (?:changes|(?:a few|some|minor|small|one|two|three) (?:changes|fixes|corrections))|first|aber|vorher|sobald|nachdem|vorausgesetzt|grunds[äa]tzlich|pero|una vez que|siempre que|en principio|antes de)\b/i;

/** A "but" that asks for nothing: "approved, but no rush", "LGTM but thanks for the extra tests". */
const NO_CONDITION =
  /\bbut (?:no (?:rush|hurry|pressure|worries|stress)|no need to \w+|thanks|cheers|great work|nice work|good job)\b/gi;

/** Whether an approval sentence (plain) is really an approval (not asked, not denied, not conditional). */
export function toSentenceStance(s: string): ApprovalStance {
  if (s.includes("?")) return null;
  if (REFUSAL.test(s)) return "refusal";
  const m = APPROVAL_WORD.exec(s);
  if (!m) return null;
  // "let me know if you need anything" closes a message, and "but no rush" asks for nothing: no condition.
  const rest = s
    .slice(m.index)
    .replace(/\b(?:let me know|lmk|shout|ping me)\b.*$/i, "")
    .replace(NO_CONDITION, "");
  if (CONDITION.test(rest)) return "conditional";
  return "approval";
}

/** Where a sentence's approval word starts, or -1: "approved pending legal review" starts with it. */
export function approvalWordAt(s: string): number {
  return APPROVAL_WORD.exec(s)?.index ?? -1;
}

/**
 * The stance of a message on an approval: a refusal anywhere wins, then a condition, then an approval.
 * Questions ("is this approved?") say nothing.
 */
export function toApprovalStance(text: string | Sentences): ApprovalStance {
  const { plain } = typeof text === "string" ? toSentenceSet(text) : text;
  let stance: ApprovalStance = null;
  for (const sentence of plain) {
    const s = toSentenceStance(sentence);
    if (s === "refusal") return "refusal";
    if (s === "conditional") stance = "conditional";
    else if (s === "approval" && stance === null) stance = "approval";
  }
  return stance;
}

const APPROVAL_REQUESTS: RegExp[] = [
  /\b(?:can|could|would|will|cn|pls|please|plz|kindly) (?:you |u |ya |someone |somebody |anyone )?(?:please |pls |quickly |also )?(?:approve|sign[- ]?off|sign (?:it|this|that) off|give (?:us |me )?(?:your |the |an? )?(?:approval|sign[- ]?off|go[- ]?ahead|green ?light|ok|okay|thumbs[- ]?up))\b/i,
  /\b(?:can|could|may) (?:we|i) (?:get|have) (?:your |an? |the |client |qa )?(?:approval|sign[- ]?off|ok|okay|go[- ]?ahead|green ?light|thumbs[- ]?up)\b/i,
  /\bneed (?:your|an?|the|client|qa|a final) ?(?:approval|sign[- ]?off|ok|okay|go[- ]?ahead|green ?light)\b/i,
  /\b(?:waiting|awaiting) (?:for |on )?(?:your|the client's|an?|the) (?:approval|sign[- ]?off|go[- ]?ahead|ok)\b/i,
  /\bfor your (?:approval|sign[- ]?off|review and approval)\b/i,
  /\bok(?:ay)? (?:to|if (?:i|we)) (?:merge|ship|deploy|release|go|proceed|push|rebase|launch|publish)\b[^.!]*\?/i,
  /\b(?:are we|am i|is it|is this|we're|are you) (?:good|ok|okay|clear|fine|happy) (?:to|for us to) (?:go|merge|ship|release|deploy|launch|proceed|publish)\b[^.!]*\?/i,
  /\bgood to (?:go|merge|ship)\s*\?/i,
  /\bhappy for (?:us|me) to (?:go|proceed|ship|release|merge|launch)\b[^.!]*\?/i,
  /\b(?:confirm|let (?:me|us) know|tell (?:me|us))(?: that| whether| if)? (?:you(?:'re| are)|we(?:'re| are)) (?:happy|ok|okay|fine|good|clear) (?:for (?:us|me) )?to (?:go|go ahead|proceed|ship|release|merge|launch|start|sign)\b/i,
  /\b(?:review and (?:approve|sign[- ]?off)|for (?:your )?(?:review and )?(?:approval|sign[- ]?off))\b/i,
  // "Please confirm we can go live", "let us know if we have your go-ahead", "are you OK with us launching",
  // "mind approving the PR": asked without the word "approve" or without a question mark.
  /\bconfirm (?:that |whether |if )?(?:we|i) (?:can|may|are (?:ok|okay|good|clear|fine) to) (?:go live|go ahead|proceed|ship|release|merge|launch|deploy|publish|start|close)\b/i,
  /\b(?:let (?:me|us) know|tell (?:me|us)|confirm) (?:if|whether) (?:we|i) (?:have|got|can get|can have) (?:your|the|an?) (?:go[- ]?ahead|approval|sign[- ]?off|ok|okay|green ?light|blessing)\b/i,
  /\b(?:are|is) (?:you|u|everyone|the client|the team) (?:ok|okay|fine|happy|good) with (?:us|me) (?:launching|releasing|shipping|going live|merging|deploying|publishing|closing|proceeding|going ahead)\b/i,
  /\b(?:would you |do you |could you )?mind (?:approving|signing (?:it |this )?off|giving (?:it|this) (?:a |the )?(?:thumbs[- ]?up|ok|go[- ]?ahead))\b/i,
  // German: "Könnten Sie uns bitte die Freigabe geben?", "Können Sie die Seite bitte freigeben?", "Bitte um
  // Freigabe".
  /\b(?:könnten|können|würden|könntest|kannst|könnt|bitte)\b[^.!?]{0,60}?\b(?:freigabe|freigeben|abnahme|abnehmen|absegnen)/i,
  // Spanish: "¿Nos podéis dar el visto bueno?", "¿Podéis aprobar la nueva versión?".
  /\b(?:podéis|podrías|podríais|podrían|puedes|pueden|por favor|necesitamos|nos dais|nos das)[^.!?]{0,60}?\b(?:visto bueno|aprobaci[oó]n|aprobar|luz verde)/i,
];

/** Whether one sentence asks for an approval or a sign-off. */
export function isApprovalRequestSentence(sentence: string): boolean {
  const s = toPlain(sentence);
  return APPROVAL_HINT.test(s) && APPROVAL_REQUESTS.some((re) => re.test(s));
}

/** Words without which no sentence asks for an approval: a cheap test before the patterns. */
const APPROVAL_HINT =
  /approv|sign|go[- ]?ahead|green ?light|thumbs|\bok|good to|happy (?:for|to|with)|clear to|fine (?:to|with)|go live|confirm (?:that |whether |if )?(?:we|i) |freigab|freigeb|abnahme|abnehmen|absegnen|visto bueno|aprob|luz verde/i;

/**
 * Whether a message's new text (with plain apostrophes and dashes) may ask for an approval: a sentence that does
 * has a hint word, so a text without any asks for none, and its sentences need not be split.
 */
export const mayAskForApproval = (plainText: string) => APPROVAL_HINT.test(plainText);

/** The sentence of a message that asks for an approval or sign-off, if any (as written). */
export function findApprovalRequest(text: string | Sentences): string | null {
  const s = typeof text === "string" ? toSentenceSet(text) : text;
  const i = s.plain.findIndex(isApprovalRequestSentence);
  return i < 0 ? null : s.original[i]!;
}

const APPROVING_REACTIONS = new Set([
  "+1",
  "thumbsup",
  "thumbs_up",
  "👍",
  "like",
  "white_check_mark",
  "heavy_check_mark",
  "check",
  "✅",
  "✔️",
  "ok",
  "ok_hand",
  "👌",
  "shipit",
  "approved",
]);

/** Reaction names as sources give them: `:+1::skin-tone-2:`, `thumbsup`, `👍🏽`, Teams' `like`. */
export function toReactionName(name: string): string {
  return name
    .toLowerCase()
    .replace(/::?skin-tone-\d:?/g, "")
    .replace(/[\u{1F3FB}-\u{1F3FF}]/gu, "")
    .replace(/^:|:$/g, "")
    .trim();
}

/** Whether a reaction says yes: a thumbs-up, a check mark, OK. */
export function isApprovingReaction(reaction: Reaction): boolean {
  return APPROVING_REACTIONS.has(toReactionName(reaction.name));
}
