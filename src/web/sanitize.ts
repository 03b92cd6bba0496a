/**
 * Email bodies as the task page shows them. The connector sanitised them already (`connectors/gmail/text.ts`);
 * this runs again at display because the page must be safe whatever is stored (an older mapper, a bug, a row
 * written by hand). No script, no event handler, no style, no form; links only http(s)/mailto and opened in
 * a new tab without a referrer; images keep their https address in `data-src` and load only when the reader
 * asks (the page's script copies it to `src`; the CSP allows https images for that).
 */
import sanitizeHtml from "sanitize-html";
import { isNestedTooDeep } from "../model/text-budget.ts";

const escapeText = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const ALLOWED_TAGS = [
  ...sanitizeHtml.defaults.allowedTags.filter((t) => !["img", "style"].includes(t)),
  "img",
];

export function sanitizeEmailForDisplay(html: string): string {
  // Stored before the connector judged nesting: such a body is shown as its text, never parsed here.
  if (isNestedTooDeep(html)) return `<pre>${escapeText(html.replace(/<[^<>]*>?/g, ""))}</pre>`;
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ["href", "title", "rel", "target"],
      img: ["data-src", "alt", "width", "height"],
      td: ["colspan", "rowspan"],
      th: ["colspan", "rowspan"],
    },
    allowedSchemes: ["http", "https", "mailto"],
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    nonTextTags: ["style", "script", "textarea", "option", "noscript", "title", "template", "xmp", "iframe"],
    transformTags: {
      a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow", target: "_blank" }),
      img: (_tagName, attribs) => {
        const src = attribs.src?.trim() ?? "";
        const out: Record<string, string> = { alt: attribs.alt ?? "image" };
        if (/^https:\/\/[^\s"'<>]+$/i.test(src)) out["data-src"] = src;
        for (const dim of ["width", "height"] as const) {
          const v = attribs[dim];
          if (v && /^\d{1,4}$/.test(v)) out[dim] = v;
        }
        return { tagName: "img", attribs: out };
      },
    },
  });
}

/** Whether sanitised HTML holds an image that waits for a click. */
export const hasBlockedImages = (html: string) => html.includes("data-src=");
