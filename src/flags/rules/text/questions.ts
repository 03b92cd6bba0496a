import { isApprovalRequestSentence } from "./approvals.ts";
import { type Sentences, toNewText, toPlain, toSentenceSet } from "./clean.ts";

/**
 * Questions that want an answer, as people write them: with or without a question mark ("can u send the url
 * pls", "any update", "@anna the keys pls"), but not sarcasm ("great, another delay??"), rhetorical questions,
 * questions the writer answers in the next breath, offers ("any questions, shout"), closers ("let me know if
 * you have any questions") or review nits phrased as questions. Approval requests are left to the
 * missing-approval rule.
 */

/** "Let me know if…", "any questions, shout": an offer to answer, not a question. */
const CLOSERS: RegExp[] = [
  /\b(?:let (?:me|us) know|lmk|shout|ping (?:me|us)|give (?:me|us) a shout|reach out|get in touch|feel free to)\b[^.!?]*\b(?:if|once|when|should|in case|whenever)\b/i,
  /^(?:any (?:other |more |further )?questions|questions)\s*(?:[,?!.]|$)/i,
  /\bany (?:other |more |further )?questions,? (?:just )?(?:shout|ask|let me know|ping)/i,
  /\b(?:hope (?:this|that) helps|happy to help|anything else\s*\?)/i,
];

/** A reviewer's optional suggestion: "nit: maybe rename this?". */
const SUGGESTION = /^(?:nit|nitpick|minor|optional|suggestion|tiny nit|style|fwiw|super nit)\b\s*[:(-]/i;

/** "Great, another flaky test??", "Oh wonderful, broken again?". */
const SARCASM_OPENER =
  /^(?:oh,?\s+)?(?:great|wonderful|fantastic|perfect|lovely|awesome|brilliant|nice|cool|sure|yay|wow|classic|love it)\s*[,!.…]+/i;
const SARCASM_TAIL = /\b(?:another|again|more|seriously|of course|as usual|because|never)\b/i;

const RHETORICAL =
  /^(?:who (?:decided|thought|knew|would(?:'ve| have) (?:thought|guessed)|needs|cares)\b|what could (?:possibly )?go wrong|how hard can it be|guess what|you know what|what else is new|am i right|amirite|right\s*\?+$)/i;

/** The writer answers their own question in the next sentence. */
const SELF_ANSWER =
  /^(?:nope|no|yes|yep|yeah|yup|turns out|answer|because|found it|never ?mind|nvm|ignore (?:me|that)|scratch that|edit|update|ah|oh wait|ok found)\b/i;
const NOT_AN_ANSWER = /^no (?:rush|worries|pressure|problem|hurry|stress|need)\b/i;

/** Requests written without a question mark. */
const REQUESTS: RegExp[] = [
  /\b(?:can|could|would|will|cn|cld|can't|couldn't|won't)\s+(?:you|u|ya|someone|somebody|anyone|any1)\b/i,
  /\b(?:please|pls|plz|plse|kindly)\b[^.!?]{0,40}?\b(?:confirm|send|share|provide|advise|advice|clarify|let (?:me|us) know|tell|explain|answer|reply|respond|get back|revert|update|indicate|specify|inform|suggest|forward|resend|verify|check|look|take a look|review)\b/i,
  /^(?:(?:hi|hey|hello|so|also|ok|okay|and|sorry|quick one|btw|guys|team)\b[\s,!.:-]*)*any (?:update|updates|updte|news|progress|eta|luck|word|feedback|thoughts)\b/i,
  /\b(?:is there|are there|do (?:you|we) have|got) any (?:update|updates|news|progress|eta)\b/i,
  /\b(?:what'?s|whats|what is|when'?s|whens|where'?s|wheres|how'?s|hows) (?:the|your|our|their) (?:eta|status|plan|timeline|latest|update|progress|deadline|date|url|link|password)\b/i,
  /^(?:(?:hi|hey|hello|so|also|ok|okay|sorry|btw)\b[\s,!.:-]*)*(?:did|do|does|have|has|are|is|can|could|will|would|should|shall) (?:you|u|we|they|anyone|someone|somebody)\b/i,
  // The same after a clause, as chat runs on: "it still times out, is someone on it".
  /[,;:]\s+(?:and\s+|so\s+)?(?:is|are|has|have|can|could|will|would|did|does) (?:anyone|someone|somebody|any1|anybody)\b/i,
  // A wh-question without its question mark, the verb before the subject: "where did it go",
  // "@anna which env var holds the host again". Only a sentence's (or a mention's) opening: after a comma
  // "which" and "where" begin relative clauses.
  /^(?:(?:hi|hey|hello|so|also|ok|okay|sorry|btw|quick one)\b[\s,!.:-]*)*(?:@[\w.-]+[\s,:]+)?(?:where|what|when|how|who|which \w+(?: \w+)?) (?:did|do|does|is|are|was|were|should|can|will|would|has|have|holds?|goes|went)\b/i,
  /[,;:]\s+(?:so\s+)?(?:where|when|how) (?:did|do|does|is|are|was|were|should|can|will|would|has|have) (?:it|this|that|they|we|you|u|the)\b[^,.;!]{0,40}$/i,
  /^(?:(?:hi|hey|hello|so|also|ok|okay|sorry|btw)\b[\s,!.:-]*)*(?:is|are) there (?:a|any) (?:reason|way|chance|plan|update|news|eta)\b/i,
  /^(?:(?:hi|hey|hello|so|also|ok|okay|sorry|btw)\b[\s,!.:-]*)*(?:why|how) (?:do|does|did|don't|doesn't|didn't|are|aren't|is|isn't|can|can't|should|would|will) (?:we|you|u|they|i|it|this|that)\b/i,
  /^(?:(?:hi|hey|hello|so|also|ok|okay|sorry|btw)\b[\s,!.:-]*)*any (?:reason|idea|ideas|clue) (?:why|how|what|when|whether|if)\b/i,
  /\b(?:thoughts|wdyt|what do you think|opinions|objections|any objections)\s*[.!]*$/i,
  /\b(?:ptal|pls take a look|please take a look|can someone take a look)\b/i,
  /\b(?:let (?:me|us) know|lmk)\b\s+(?:what|which|when|whether|how|your|by|asap)\b/i,
  /\b(?:wondering|great|appreciate(?:d)?|grateful|helpful|nice) if (?:you|u|someone) (?:could|can|would)\b/i,
  /\bneed (?:you|your) (?:to|input|answer|feedback|decision|help|confirmation)\b/i,
  // "Waiting for your reply", and as non-native writers put it, "I am waiting your answer".
  /\b(?:waiting|awaiting) (?:for |on )?(?:your|ur) (?:reply|answer|response|input|feedback|confirmation|decision|news)\b/i,
  // A wish to know: "wondering whether the discount applies", "I'd need to know how…", "curious why…".
  // "Wondering whether to split this" is the writer deciding, not asking.
  /\b(?:wondering|wonder) (?:whether|if) (?!to\b)/i,
  /\b(?:need|needs|needed|would like|'d like|want|wanted|would be (?:good|great|helpful|useful)|it'd be (?:good|great|helpful|useful)) to know\b/i,
  /\bcurious (?:why|whether|if|how|what|when|which|to know)\b/i,
  // "Is it possible to…", and "is possible to…" as non-native writers open a sentence.
  /\b(?:is it|would it be|will it be) possible (?:to|for)\b|(?:^|[,.:;!]\s*)is possible (?:to|for)\b/i,
  // German: "Können Sie uns bitte mitteilen, …", "Bitte um kurze Rückmeldung, ob …", "Gebt uns Bescheid, …".
  // A German yes/no question puts the verb first; "vorher könnt ihr nicht …" is a statement.
  /(?:^|[,;:]\s*)(?:können|könnten|würden|kannst|könntest|könnt|könntet|würdet|würdest) (?:sie|du|ihr)\b/i,
  /\bbitte um (?:\p{L}+ )?(?:rückmeldung|antwort|info|information|bestätigung|feedback)/iu,
  /\b(?:gebt|geben sie|gib|sagt|sagen sie|sag|lasst|lassen sie|teilt|teilen sie) (?:uns|mir)\b[^.!?]{0,40}?\b(?:bescheid|wissen|mit)\b/i,
  // Spanish, where a question usually carries its "¿…?" but a request does not: "Por favor, confirmadnos el
  // formato", "Quedo a la espera de vuestra respuesta".
  /\bpor favor,? (?:confirm|envi|mand|indic|avis|comunic|respond|contest|decid|compart|dig)|\b(?:confirm|envi|mand|indic|avis|comunic|respond|contest|decid|compart)\p{L}*\b[^.!?]{0,60}\bpor favor\b/iu,
  /\b(?:quedo|quedamos) (?:a la espera|atent[oa]s?|pendientes?)\b/i,
  /\b(?:bumping|bump|following up|gentle reminder|friendly reminder|any chance)\b/i,
];

/** "Can you believe it", "would you believe": an exclamation, with or without its question mark. */
const EXCLAMATION = /\b(?:can|could|would) (?:you|u) (?:believe|imagine)\b/i;

/** An @-mention with something asked of them: "@anna the keys pls". */
const MENTION = /(?:^|\s)@[\w.-]+/;
const MENTION_ASK = /\b(?:pls|please|plz|need|asap|when you|can|could|eta|thoughts)\b/i;

/** Whether the sentence at `i` wants an answer. */
function isAsking(sentences: string[], i: number): boolean {
  const s = sentences[i]!;
  if (isApprovalRequestSentence(s)) return false;
  if (CLOSERS.some((re) => re.test(s)) || SUGGESTION.test(s) || EXCLAMATION.test(s)) return false;
  if (/\?/.test(s)) {
    if (SARCASM_OPENER.test(s) && SARCASM_TAIL.test(s)) return false;
    if (RHETORICAL.test(s)) return false;
    // The writer answers it themselves, maybe after more questions of the same kind: "Ship it? With last
    // year's prices? No thanks."
    let j = i + 1;
    while (j < sentences.length && sentences[j]!.includes("?")) j++;
    const next = sentences[j];
    if (next && SELF_ANSWER.test(next) && !NOT_AN_ANSWER.test(next)) return false;
    return true;
  }
  if (REQUESTS.some((re) => re.test(s))) return true;
  return MENTION.test(s) && MENTION_ASK.test(s);
}

/** The first sentence of a message that asks something of someone (as written), or null. */
export function findQuestion(text: string | Sentences): string | null {
  const { original, plain } = typeof text === "string" ? toSentenceSet(text) : text;
  for (let i = 0; i < plain.length; i++) if (isAsking(plain, i)) return original[i]!;
  return null;
}

/** Thanks, "looks great", "noted", emoji: a message with nothing in it to act on. */
const ACKNOWLEDGEMENT =
  /\b(?:thanks(?: so much| a lot| again| a ton)?|thank you(?: so much| very much)?|many thanks|much appreciated|appreciated|thx|ty|cheers|ta|noted|received|got it|will do|sounds (?:good|great)|looks (?:great|good|amazing|fantastic|perfect)|great|perfect|awesome|amazing|brilliant|lovely|wonderful|fantastic|super|nice|cool|ok|okay|all|everyone|team|guys|hi|hey|hello|danke(?: schön| sehr)?|vielen dank|passt(?: so)?|alles klar|perfekt|gracias|muchas gracias|perfecto|todo perfecto|genial|vale|de acuerdo|hola|hallo)\b/gi;

/** Whether a message only acknowledges ("Thanks so much, looks great! 🙌"). */
export function isAcknowledgementOnly(text: string | Sentences): boolean {
  const plain = typeof text === "string" ? toPlain(toNewText(text)) : text.plain.join(" ");
  if (plain.length > 200) return false;
  const rest = plain
    .replace(ACKNOWLEDGEMENT, " ")
    .replace(/(?:[\p{P}\p{S}\p{Extended_Pictographic}\s]|\u200d|\ufe0f)+/gu, "");
  return rest.length === 0;
}

/** Out-of-office and other automatic replies. */
export function isAutoReply(text: string): boolean {
  return /^(?:automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office)\b|\bI(?:'m| am) (?:currently )?out of (?:the )?office\b|\bthis is an automated (?:message|response|reply)\b/i.test(
    toPlain(text).trim(),
  );
}
