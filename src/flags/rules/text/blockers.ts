import { type Sentences, toSentenceSet } from "./clean.ts";

/** Words without which a sentence says nothing about waiting: a cheap test before the patterns. */
const BLOCKER_HINT =
  /wait|pending|held up|block|blok|blcok|stuck|hold|park|paus|depend|rely|reliant|\bno\b|n't|not|lack|missing|without|need|down|unavailable|offline|broken|reviewing|checking|looking|evaluating|got|received|sent|arriv|came|grant|provision|enabl|work|sort|back|here (?:are|is)|attached|shared|wat|waitng|unable|never|finally|have|live|\bup\b|whitelist|allowlist|all set|all good/i;

/** What a task can wait on outside the team. */
export const WAIT_TOPICS = ["credentials", "access", "test_data", "sandbox", "third_party"] as const;
export type WaitTopic = (typeof WAIT_TOPICS)[number];

/** What a sentence says about a wait: it starts (or goes on), or it is over (for one topic, or for all). */
export type BlockerSignal =
  | { type: "wait"; topic: WaitTopic; topics: WaitTopic[]; sentence: string }
  | { type: "resolved"; topic: WaitTopic | null; topics: WaitTopic[]; sentence: string };

const TOPIC_WORDS: Array<[WaitTopic, RegExp]> = [
  [
    "credentials",
    /\b(?:credentials?|creds|api[- ]?keys?|keys|secrets?|tokens?|passwords?|certificates?|certs?|client[- ]?secret|oauth (?:app|client)|idp metadata|saml metadata|metadata)\b/i,
  ],
  [
    "test_data",
    /\b(?:test data|sample (?:files?|data|invoices?)|samples?|fixtures|data ?set|test accounts?|test users?|real invoices?|example files?|data (?:export|dump) from)\b/i,
  ],
  [
    "sandbox",
    /\b(?:sandbox(?:es)?|test environment|test env|uat environment|staging environment from|their staging|partner environment)\b/i,
  ],
  [
    "access",
    /\b(?:access|acess|acces|accesss|permissions?|whitelist(?:ed|ing)?|allowlist(?:ed|ing)?|vpn|logins?|accounts?|invites?|provision(?:ed|ing)?|firewall|ips?)\b/i,
  ],
  [
    "third_party",
    /\b(?:client|customer|vendor|third[- ]party|3rd[- ]party|partner|supplier|provider|their (?:it|team|legal|side|devs?|security|ops|admin)|(?:our|your) (?:it|legal|security|finance|procurement|compliance) team|legal(?: team)?|procurement|the bank|their answer|their reply|their response|stripe|adyen|paypal|twilio|apple|google|salesforce|hubspot|aws support)\b/i,
  ],
];

/** Things the team waits on that are the team's own. */
const INTERNAL =
  /^(?:the |a |an |our |my |some |his |her )?(?:\w+'s )?(?:ci|build|builds|pipeline|flaky|tests?|review|code review|qa|design|designs|merge|deploy|deployment|release|pr|pull request|approval|standup|sprint|copy|refactor|migration|backend|frontend|api changes?)\b/i;

/** A frame that says the work waits: "waiting on X", "blocked by X", "still no X", "can't … until X". */
const WAIT_FRAMES: RegExp[] = [
  /\b(?:still )?(?:waiting|wating|waitng|awaiting|pending|held up|blocked|blokced|bloked|blcoked|blocekd|stuck|on hold|parked|paused|dependent|depends|depending|relying|reliant)\b(?:\s*[:,-])?\s*(?:(?:on|for|by|until|till|pending|from)\s+)?(.{0,90})/i,
  /\b(?:still\s+)?(?:no|don't have|do not have|haven't (?:got|gotten|received|had)|have not (?:got|gotten|received)|didn't get|never got|lack|missing|without)\s+(?:the\s+|any\s+|our\s+|their\s+|an?\s+)?(.{0,70})/i,
  /\bneeds?\s+(.{0,80}?)\s+(?:from|before (?:i|we) can)\b/i,
  /\b(?:can't|cannot|unable to|can not|couldn't)\s+.{0,60}?\b(?:until|without)\s+(.{0,60})/i,
];

/** Topics a frame needs before it counts (a bare "no" or "without" needs something concrete). */
const CONCRETE: WaitTopic[] = ["credentials", "access", "test_data", "sandbox"];

const DOWN = /\b(?:is|has been|been|are|went|still)\s+(?:down|unavailable|offline|broken)\b/i;
const HOLD_OFF = /\b(?:hold off|on hold|put (?:it|this) on hold)\b/i;
const REVIEWING = /\b(?:still|currently) (?:reviewing|checking|looking (?:at|into)|evaluating)\b/i;

/** "If we don't get the data by Friday…", "we might need access": a risk, not a wait. */
const HYPOTHETICAL =
  /^(?:if|unless|in case)\b|\b(?:might|may|could) (?:need|be blocked|get blocked)|\bwill (?:need|be blocked)\b|\bwe'll be blocked\b/i;

const RESOLVED_ALL =
  /\b(?:no longer|not) (?:blocked|waiting)\b|\bunblocked\b|\ball (?:sorted|set|good now)\b|\bblocker (?:is )?(?:gone|resolved|cleared)\b/i;
const RESOLVED_VERB =
  /\b(?:got|received|finally (?:got|have)|now have|we have|sent(?: us| over| through)?|arrived|came through|granted|provisioned|enabled|(?:is|are) (?:now )?(?:enabled|working|live|up|back)|works now|working now|sorted|is back|are back|back up|here (?:are|is)|attached (?:are|is)|in the attached|shared|whitelisted|allowlisted)\b/i;

/**
 * Every topic a sentence names: a wait for "Stripe to enable Connect on our sandbox" is over when a message
 * says the sandbox is enabled, though the wait was filed under the third party named first.
 */
function topicsIn(sentence: string): WaitTopic[] {
  return TOPIC_WORDS.filter(([, re]) => re.test(sentence)).map(([topic]) => topic);
}

/** The topic named first in a phrase ("no access to their sandbox" is about access). */
function topicOf(phrase: string, allowed: readonly WaitTopic[] = WAIT_TOPICS): WaitTopic | null {
  let best: WaitTopic | null = null;
  let bestAt = Number.POSITIVE_INFINITY;
  for (const [topic, re] of TOPIC_WORDS) {
    if (!allowed.includes(topic)) continue;
    const m = re.exec(phrase);
    if (m && m.index < bestAt) {
      best = topic;
      bestAt = m.index;
    }
  }
  return best;
}

function waitIn(s: string): WaitTopic | null {
  for (const [i, frame] of WAIT_FRAMES.entries()) {
    const m = frame.exec(s);
    if (!m) continue;
    const object = (m[1] ?? "").trim();
    const allowed = i === 1 ? CONCRETE : WAIT_TOPICS;
    const topic = topicOf(object, allowed);
    if (topic) return topic;
    if (INTERNAL.test(object)) return null;
    // "can't run the payment tests until it's back": the sentence says what "it" is.
    if (i === 3) {
      const t = topicOf(s);
      if (t) return t;
    }
  }
  if (DOWN.test(s)) return topicOf(s, ["sandbox", "access", "third_party"]);
  if (HOLD_OFF.test(s) || REVIEWING.test(s)) {
    if (topicOf(s, ["third_party"])) return "third_party";
  }
  return null;
}

/**
 * What each sentence of a message says about waiting on the outside world, in order. Questions and
 * hypotheticals say nothing.
 */
export function toBlockerSignals(text: string | Sentences): BlockerSignal[] {
  const { original, plain } = typeof text === "string" ? toSentenceSet(text) : text;
  const signals: BlockerSignal[] = [];
  for (let i = 0; i < plain.length; i++) {
    const s = plain[i]!;
    const sentence = original[i]!;
    if (s.includes("?") || !BLOCKER_HINT.test(s)) continue;
    if (RESOLVED_ALL.test(s)) {
      signals.push({ type: "resolved", topic: null, topics: [], sentence });
      continue;
    }
    if (HYPOTHETICAL.test(s)) continue;
    const topic = waitIn(s);
    if (topic) {
      signals.push({ type: "wait", topic, topics: topicsIn(s), sentence });
      continue;
    }
    if (RESOLVED_VERB.test(s)) {
      const t = topicOf(s);
      if (t) signals.push({ type: "resolved", topic: t, topics: topicsIn(s), sentence });
    }
  }
  return signals;
}

/** A readable name for a topic, for reasons: "credentials", "access", "test data"… */
export function describeWaitTopic(topic: WaitTopic): string {
  return {
    credentials: "credentials",
    access: "access",
    test_data: "test data",
    sandbox: "a sandbox",
    third_party: "a third party",
  }[topic];
}
