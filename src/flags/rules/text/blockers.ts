import { approvalWordAt, toSentenceStance } from "./approvals.ts";
import { type Sentences, toSentenceSet } from "./clean.ts";

/** Words without which a sentence says nothing about waiting: a cheap test before the patterns. */
const BLOCKER_HINT =
  /wait|pending|held up|block|blok|blcok|stuck|hold|park|paus|depend|rely|reliant|\bno\b|n't|not|lack|missing|without|need|down|unavailable|offline|broken|reviewing|checking|looking|evaluating|got|received|sent|arriv|came|grant|provision|enabl|work|sort|back|here (?:are|is)|attached|shared|wat|waitng|unable|never|finally|have|live|\bup\b|whitelist|allowlist|all set|all good|hasn|haven|didn|nothing|exist|once|as soon as|warte|kein|nicht|noch|freigeschaltet|erhalten|bekommen|geschickt|eingerichtet|funktioniert|todavía|aún|esperando|espera|sin |enviado|recibido|activad|habilitad|funciona|ya (?:tenéis|tienen|tenemos|podéis)/i;

/**
 * Whether a message's new text (with plain apostrophes and dashes) may say anything about waiting: every
 * sentence `toBlockerSignals` reads a signal from is part of that text and has one of the hint words, so a text
 * without any has no signal, and its sentences need not be split.
 */
export const mayTellOfWaiting = (plainText: string) => BLOCKER_HINT.test(plainText);

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
    /\b(?:credentials?|creds|api[- ]?keys?|keys|secrets?|tokens?|passwords?|certificates?|certs?|client[- ]?secret|oauth (?:app|client)|idp metadata|saml metadata|metadata|zugangsdaten|passw(?:o|ö)rter|schlüssel|zertifikate?|credenciales|claves|contraseñas?|certificados?)\b/i,
  ],
  [
    "test_data",
    /\b(?:test data|sample (?:files?|data|invoices?)|samples?|fixtures|data ?set|test accounts?|test users?|real invoices?|example files?|data (?:export|dump) from|testdaten|beispieldaten|testdateien|testbenutzer|datos de prueba|usuarios de prueba)\b/i,
  ],
  [
    "sandbox",
    /\b(?:sandbox(?:es)?|test environment|test env|uat environment|staging environment from|their staging|partner environment|testumgebung|entorno de pruebas)\b/i,
  ],
  [
    "access",
    /\b(?:access|acess|acces|accesss|permissions?|whitelist(?:ed|ing)?|allowlist(?:ed|ing)?|vpn|logins?|accounts?|invites?|provision(?:ed|ing)?|firewall|ips?|zugang|zugriff|zugreifen|berechtigung(?:en)?|freischaltung|acceso|accesos|permisos|cortafuegos)\b/i,
  ],
  [
    "third_party",
    /\b(?:client|customer|vendor|third[- ]party|3rd[- ]party|partner|supplier|provider|their (?:it|team|legal|side|devs?|security|ops|admin)|(?:our|your) (?:it|legal|security|finance|procurement|compliance) team|legal(?: team)?|procurement|the bank|their answer|their reply|their response|stripe|adyen|paypal|twilio|apple|google|salesforce|hubspot|aws support|die bank|rechtsabteilung|unsere it|der kunde|el banco|del banco|el proveedor|el cliente|departamento legal)\b/i,
  ],
];

/** Things the team waits on that are the team's own. */
const INTERNAL =
  /^(?:the |a |an |our |my |some |his |her )?(?:\w+'s )?(?:ci|build|builds|pipeline|flaky|tests?|review|code review|qa|design|designs|merge|deploy|deployment|release|pr|pull request|approval|standup|sprint|copy|refactor|migration|backend|frontend|api changes?)\b/i;

/**
 * A frame that says the work waits ("waiting on X", "blocked by X", "still no X", "can't … until X", and their
 * German and Spanish kin) and where its object starts. `concrete`: the object must name something
 * concrete (a bare "no" or "without" needs credentials, access, test data or a sandbox). `wholeSentence`: when
 * the object names nothing, the rest of the sentence may ("can't run the tests until it's back").
 */
/**
 * Someone else has not done their part: "the bank still hasn't sent the SFTP credentials", "their IT hasn't
 * whitelisted our IPs". The writer's own "I haven't sent…" is not a wait (OWN_OMISSION).
 */
const OMISSION =
  /\b(?:hasn't|haven't|has not|have not|didn't|did not)\s+(?:yet\s+|still\s+)?(?:sent|send|provided|given|shared|opened|whitelisted|allowlisted|granted|enabled|created|set up|delivered|uploaded|replied|answered|signed|confirmed|issued)\b(.{0,80})/i;

interface WaitFrame {
  pattern: RegExp;
  concrete?: boolean;
  wholeSentence?: boolean;
  /** When the object names nothing concrete, the subject may: "the client hasn't replied". */
  subject?: boolean;
}

const WAIT_FRAMES: WaitFrame[] = [
  {
    pattern:
      /\b(?:still )?(?:waiting|wating|waitng|awaiting|pending|held up|blocked|blokced|bloked|blcoked|blocekd|stuck|on hold|parked|paused|dependent|depends|depending|relying|reliant)\b(?:\s*[:,-])?\s*(?:(?:on|for|by|until|till|pending|from)\s+)?(.{0,90})/i,
  },
  // "No idea", "no rush", "no worries" say nothing about a missing thing.
  {
    pattern:
      /\b(?:still\s+)?(?:no(?! idea| clue| rush| worries| problem| need| way to know)|don't have|do not have|haven't (?:got|gotten|received|had)|have not (?:got|gotten|received)|didn't get|never got|lack|missing|without)\s+(?:the\s+|any\s+|our\s+|their\s+|an?\s+)?(.{0,70})/i,
    concrete: true,
  },
  { pattern: /\bneeds?\s+(\S.{0,79}?)\s+(?:from|before (?:i|we) can)\b/i },
  {
    pattern: /\b(?:can't|cannot|unable to|can not|couldn't)\s+.{0,60}?\b(?:until|without)\s+(.{0,60})/i,
    wholeSentence: true,
  },
  { pattern: OMISSION, subject: true },
  // "Still nothing from Nordwerk about the test users".
  { pattern: /\b(?:still\s+)?nothing\s+(?:yet\s+)?(?:from|back from)\s+(.{0,80})/i },
  // "Can only go live once we get the production keys", "ready as soon as we receive the data".
  {
    pattern:
      /\b(?:can only|only|ready|good to go)\b.{0,60}?\b(?:once|as soon as|when)\s+(?:we|i)\s+(?:get|have|receive|are given)\s+(.{0,60})/i,
  },
  // German: "Wir warten noch auf die Zugangsdaten", "noch keinen Zugang", "vorher könnt ihr nicht … zugreifen".
  { pattern: /\b(?:warten|warte|wartet)\s+(?:noch\s+|immer noch\s+)?(?:auf|bis)\s+(.{0,80})/i },
  { pattern: /\b(?:noch\s+)?(?:keinen|keine|kein)\s+(.{0,60})/i, concrete: true },
  {
    pattern: /\b(?:können|könnt|kann|dürfen)\s+(?:ihr\s+|wir\s+|sie\s+)?(?:noch\s+)?nicht\b(.{0,60})/i,
    wholeSentence: true,
  },
  // Spanish: "Todavía no tenemos las credenciales", "seguimos esperando el acceso", "sin las claves".
  {
    pattern:
      /\b(?:todavía|aún|aun)\s+no\s+(?:tenemos|hemos recibido|nos han (?:enviado|dado)|han enviado|tenéis)\s+(.{0,80})/i,
  },
  { pattern: /\b(?:esperando|a la espera de)\s+(.{0,80})/i },
  { pattern: /\bsin\s+(.{0,60})/i, concrete: true },
];

/** "I haven't sent the keys yet": the writer's own omission, not something the team waits for. */
const OWN_OMISSION = /\b(?:i|we)(?:\s+still)?\s+(?:hasn't|haven't|has not|have not|didn't|did not)\b/i;

/** "Nothing we can do till then", "the SFTP account still does not exist": a wait on the thing named. */
const NOTHING_TO_DO =
  /\bnothing (?:we|i) can do\b|\b(?:still )?(?:does not|doesn't|do not|don't) exist(?: yet)?\b|\bno podemos (?:seguir|continuar|avanzar)\b/i;

/** Topics a frame needs before it counts (a bare "no" or "without" needs something concrete). */
const CONCRETE: WaitTopic[] = ["credentials", "access", "test_data", "sandbox"];

const DOWN = /\b(?:is|has been|been|are|went|still)\s+(?:down|unavailable|offline|broken)\b/i;
const HOLD_OFF = /\b(?:hold off|on hold|put (?:it|this) on hold)\b/i;
// "Still checking with legal" is the writer's own check; "their legal is still reviewing" is the wait.
const REVIEWING = /\b(?:still|currently) (?:reviewing|checking|looking (?:at|into)|evaluating)\b(?! with\b)/i;

/** "If we don't get the data by Friday…", "we might need access": a risk, not a wait. */
const HYPOTHETICAL =
  /^(?:if|unless|in case)\b|\b(?:might|may|could) (?:need|be blocked|get blocked)|\bwill (?:need|be blocked)\b|\bwe'll be blocked\b/i;

const RESOLVED_ALL =
  /\b(?:no longer|not) (?:blocked|waiting)\b|\bunblocked\b|\ball (?:sorted|set|good now)\b|\bblocker (?:is )?(?:gone|resolved|cleared)\b/i;
/** "The VPN profile works": over, unless the sentence also says what does not ("works on staging but not…"). */
const WORKS = /\b(?:works|is working|are working)\b/i;
const NEGATION = /\b(?:not|no|never|but)\b|n't\b/i;

/** "I haven't sent the credentials yet" ends nothing. */
const NOT_DONE = /\b(?:haven't|hasn't|didn't|did not|have not|has not|not yet|never)\b/i;

const RESOLVED_VERB =
  /\b(?:got|received|finally (?:got|have)|now have|we have|sent(?: us| over| through)?|arrived|came through|granted|provisioned|enabled|(?:is|are) (?:now )?(?:enabled|working|live|up|back)|works now|working now|sorted|is back|are back|back up|here (?:are|is)|attached (?:are|is)|in the attached|shared|whitelisted|allowlisted|(?:you|u|we) (?:now |should )?(?:have|got) (?:the )?(?=access|credentials|keys|permission|an? account|logins?)|freigeschaltet|erhalten|bekommen|geschickt|eingerichtet|funktioniert|enviado|recibido|activad[oa]s?|habilitad[oa]s?|funciona|ya (?:tenéis|tienen|tenemos))\b/i;

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
  for (const frame of WAIT_FRAMES) {
    const m = frame.pattern.exec(s);
    if (!m) continue;
    if (frame.pattern === OMISSION && OWN_OMISSION.test(s)) continue;
    // "Approved pending legal review" is a conditional approval, which the approval rule weighs; "blocked:
    // Stripe needs to approve our profile first" is a wait.
    if (toSentenceStance(s) === "conditional" && approvalWordAt(s) < m.index) continue;
    const object = (m[1] ?? "").trim();
    // "Ben hasn't replied to the client": a teammate's omission, though the client is named after it.
    if (frame.subject) {
      const t = topicOf(object, CONCRETE) ?? topicOf(s.slice(0, m.index));
      if (t) return t;
      continue;
    }
    const allowed = frame.concrete ? CONCRETE : WAIT_TOPICS;
    const topic = topicOf(object, allowed);
    if (topic) return topic;
    if (INTERNAL.test(object)) return null;
    // "can't run the payment tests until it's back", "their IT hasn't opened it": the sentence says what.
    if (frame.wholeSentence) {
      const t = topicOf(s);
      if (t) return t;
    }
  }
  if (NOTHING_TO_DO.test(s)) return topicOf(s, CONCRETE);
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
    if ((RESOLVED_VERB.test(s) && !NOT_DONE.test(s)) || (WORKS.test(s) && !NEGATION.test(s))) {
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
