/**
 * What a person actually wrote in a message: without the quoted history, forwarded messages, signatures,
 * code and links, so that a question mark in a URL, a quoted question or a signature's "Need help?" is not
 * taken for something they asked.
 */

/**
 * A marker: the pattern, and words (lower case) one of which every match contains, so that the pattern only
 * runs on the few messages that have one.
 */
type Marker = [hints: string[], pattern: RegExp];

/*
 * Mail clients write the line above the quoted message in the writer's language: Gmail's "Am … schrieb …:"
 * and "El … escribió:", Outlook's "Von:/De: … Gesendet:/Enviado: …", the "-----Ursprüngliche Nachricht-----"
 * of older clients. The localised forms follow the list kept by a maintained reply parser:
 * https://github.com/crisp-oss/email-reply-parser/blob/master/lib/regex.js
 */
const HISTORY_MARKERS: Marker[] = [
  // Gmail, Apple Mail: "On Mon, 10 Mar 2025 at 16:20, Anna <anna@acme.dev> wrote:" (sometimes over two lines)
  [["wrote:"], /^[ \t]*On\b[^\n]{0,300}(?:\n[^\n]{0,200})?\bwrote:[ \t]*$/im],
  // "Am Mo., 10. März 2025 um 10:00 Uhr schrieb Anna <anna@acme.dev>:"
  [["schrieb"], /^[ \t]*Am\b[^\n]{0,300}(?:\n[^\n]{0,200})?\bschrieb\b[^\n:]{0,200}:[ \t]*$/im],
  // "El lun, 10 mar 2025 a las 10:00, Anna (<anna@acme.dev>) escribió:"
  [["escribió:"], /^[ \t]*El\b[^\n]{0,300}(?:\n[^\n]{0,200})?\bescribió:[ \t]*$/im],
  [
    ["--"],
    /^[ \t]*-{2,}[ \t]*(?:Original Message|Forwarded message|Ursprüngliche Nachricht|Weitergeleitete Nachricht|Mensaje original|Mensaje reenviado)[ \t]*-{2,}/im,
  ],
  [["begin forwarded message:"], /^[ \t]*Begin forwarded message:/im],
  // Outlook's separator line, and its header block: "From: … Sent: … To: … Subject: …", in English, German
  // and Spanish.
  [["________"], /^[ \t]*_{8,}[ \t]*$/m],
  [
    ["from:", "von:", "de:"],
    /^[ \t]*\*?(?:From|Von|De):\*?[ \t]+\S[^\n]*\n(?:[^\n]*\n){0,3}?[ \t]*\*?(?:Sent|Date|Gesendet|Datum|Enviado|Fecha):\*?[ \t]/im,
  ],
];

const SIGNATURE_MARKERS: Marker[] = [
  [["--"], /^-- ?$/m],
  [
    ["sent from my ", "get outlook for ", " gesendet", "enviado desde "],
    /^[ \t]*(?:Sent from my (?:iPhone|iPad|Android|Galaxy|mobile)|Get Outlook for (?:iOS|Android)|Von meinem \S+ gesendet|Enviado desde mi \S+)/im,
  ],
];

/**
 * A closing line ("Thanks,", "Best regards", "Mit freundlichen Grüßen", "Saludos cordiales") after which only
 * the name and title follow.
 */
const VALEDICTION =
  /^[ \t]*(?:thanks|thank you|many thanks|thanks again|thx|cheers|best|best regards|kind regards|warm regards|regards|all the best|br|ta|speak soon|(?:mit )?(?:freundlichen|besten|vielen|liebe|herzlichen|viele|beste|freundliche) grüßen?|grüße|gruß|mfg|lg|vg|vielen dank|danke|saludos(?: cordiales)?|un saludo|atentamente|(?:muchas )?gracias|un abrazo)[ \t]*(?:[,.!]+[ \t]*)?$/im;

/**
 * A signature's first line without a closing line above it: a name and a title, "Dana Ruiz | Head of
 * Finance". Bounded repetitions of distinct character classes keep it linear.
 */
/** A word that holds an email address (`dan@acme.example`, `<dan@acme.example>,`), tested word by word. */
const EMAIL_IN_WORD = /^[^@]*[^\s@]@[^\s@]+\.\w+/;

const NAME_AND_TITLE =
  /^[ \t]*\p{Lu}[\p{L}'.-]{0,30}(?: \p{Lu}[\p{L}'.-]{0,30}){1,2}[ \t]*[|·][ \t]*\p{L}[^\n]*$/mu;

/** The new text of a message. */
export function toNewText(text: string): string {
  return text.length === 0 ? "" : clean(text);
}

/** A message's sentences as written (for quoting) and with plain apostrophes and dashes (for matching). */
export interface Sentences {
  original: string[];
  plain: string[];
}

/** The sentences of a message's new text. */
export function toSentenceSet(text: string): Sentences {
  return toSentenceSetOfNewText(toNewText(text));
}

/** The sentences of a new text (what `toNewText` gives). */
export function toSentenceSetOfNewText(newText: string): Sentences {
  const original = toSentences(newText);
  return { original, plain: original.map(toPlain) };
}

function clean(input: string): string {
  // Each step runs only when its marker character is there: most chat messages skip them all.
  let text = input.includes("\r") ? input.replace(/\r\n?/g, "\n") : input;
  if (text.includes("<")) {
    if (/<(?:p|br|div|span|at)\b[^<>]*>/i.test(text)) text = fromHtml(text);
    // Slack markup: <@U123|anna> <https://x|label> <!here>
    text = text
      .replace(/<@[A-Z0-9]+\|([^<>]+)>/g, "@$1")
      .replace(/<@[A-Z0-9]+>/g, "@someone")
      .replace(/<!(?:here|channel|everyone)[^<>]*>/g, "@here")
      .replace(/<(?:https?|mailto):[^|<>]+\|([^<>]+)>/g, "$1")
      .replace(/<(?:https?|mailto):[^<>]+>/g, " ");
  }
  // Jira wiki mentions: [~Anna Kowalski], [~accountid:5b10…]
  if (text.includes("[~"))
    text = text.replace(/\[~accountid:[^[\]]+\]/g, "@someone").replace(/\[~([^[\]]+)\]/g, "@$1");
  if (text.includes("\n")) {
    text = cutAtFirst(text, HISTORY_MARKERS);
    text = cutAtFirst(text, SIGNATURE_MARKERS);
    if (text.includes(">")) {
      text = text
        .split("\n")
        .filter((line) => !/^[ \t]*>/.test(line))
        .join("\n");
    }
  } else if (/^[ \t]*>/.test(text)) return "";
  // Code: fenced blocks, Jira's {code} and {noformat}, inline code.
  if (text.includes("`")) text = text.replace(/```[\s\S]*?(?:```|$)/g, " ").replace(/`[^`\n]*`/g, " ");
  if (text.includes("{")) text = text.replace(/\{(code|noformat)[^{}]*\}[\s\S]*?(?:\{\1\}|$)/g, " ");
  if (/https?:|www\./i.test(text)) text = text.replace(/\b(?:https?:\/\/|www\.)\S+/gi, " ");
  // Word by word: a pattern looking for an address anywhere retries a long word from each of its letters.
  if (text.includes("@")) text = text.replace(/\S+/g, (word) => (EMAIL_IN_WORD.test(word) ? " " : word));
  if (text.includes("\n")) {
    if (text.includes("|") || text.includes("·")) {
      const m = NAME_AND_TITLE.exec(text);
      // Only after something was said: a message that opens with a name is not all signature.
      if (m && m.index > 0 && text.slice(0, m.index).trim()) text = text.slice(0, m.index);
    }
    const lines = text.split("\n");
    for (let i = 1; i < lines.length; i++) {
      // A valediction near the end, after some content, starts the signature.
      if (lines.length - i <= 8 && VALEDICTION.test(lines[i]!) && lines.slice(0, i).join("").trim()) {
        text = lines.slice(0, i).join("\n");
        break;
      }
    }
  }
  // Each rewrite only when it can change something: most messages have neither runs of blanks nor gaps.
  if (text.includes("\t") || text.includes("  ")) text = text.replace(/[ \t]+/g, " ");
  if (text.includes("\n\n\n")) text = text.replace(/\n{3,}/g, "\n\n");
  return text.trim();
}

function cutAtFirst(text: string, markers: Marker[]): string {
  let cut = text.length;
  // Lower case only to look for the hints: a case-insensitive pattern's ASCII letters match only ASCII ones.
  const lower = text.toLowerCase();
  for (const [hints, re] of markers) {
    if (!hints.some((h) => lower.includes(h))) continue;
    const m = re.exec(text);
    if (m && m.index < cut) cut = m.index;
  }
  return text.slice(0, cut);
}

function fromHtml(html: string): string {
  return withoutBlockquotes(html)

    .replace(/<(?:br|\/p|\/div|\/li)[^<>]*>/gi, "\n")
    .replace(/<[^<>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'");
}

/**
 * The sentences of a text: split at line breaks and after `.`, `!`, `?` or `…`; each keeps its punctuation.
 * Leading greetings ("Hi Anna,") stay with their sentence.
 */
export function toSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    for (const part of line.split(/(?<=[.!?…])\s+(?=\S)/)) {
      const s = part.trim();
      if (s) out.push(s);
    }
  }
  return out;
}

/** A short quotation of a sentence for a reason: at most `max` characters, in curly quotes. */
export function quote(sentence: string, max = 90): string {
  const s = sentence.replace(/\s+/g, " ").trim();
  return `“${s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s}”`;
}

const TYPOGRAPHIC = /[’‘`´–—]/;

/** Normalises apostrophes and dashes so patterns can be written with plain ones. */
export function toPlain(text: string): string {
  if (!TYPOGRAPHIC.test(text)) return text;
  return text.replace(/[’‘`´]/g, "'").replace(/[–—]/g, " - ");
}

const GREETING =
  /^(?:hi|hey|hello|dear|good (?:morning|afternoon|evening)|morning|hiya|yo|hallo|liebe[rs]?|sehr geehrte[rs]?|guten (?:morgen|tag)|hola|buenos días|buenas(?: tardes)?|estimad[oa]s?)\b(?:\s+[\p{L}\d_.'-]+){0,3}\s*[,!.:]?$/iu;

/** The first sentence of a message that is not a greeting, for quoting in a reason. */
export function toGist(text: string | Sentences): string {
  const sentences = typeof text === "string" ? toSentences(toNewText(text)) : text.original;
  return sentences.find((s) => !GREETING.test(s)) ?? sentences[0] ?? "";
}

/**
 * `html` with each `<blockquote>…</blockquote>` (the quoted earlier mail) replaced by a line break, found with
 * `indexOf`: a lazy pattern would rescan the rest of the text from every unclosed `<blockquote`.
 */
function withoutBlockquotes(html: string): string {
  const lower = html.toLowerCase();
  let out = "";
  let from = 0;
  for (;;) {
    const open = lower.indexOf("<blockquote", from);
    if (open === -1) break;
    const close = lower.indexOf("</blockquote>", open);
    if (close === -1) break;
    out += `${html.slice(from, open)}\n`;
    from = close + "</blockquote>".length;
  }
  return out + html.slice(from);
}
