/**
 * The web view's stylesheet and script, served by the app itself (`/assets/…`) so the CSP can forbid every
 * inline style and script. The script only enhances: every action works as a plain form without it.
 */
import type { SourceAbout } from "../model/source-about.ts";

export const APP_CSS = `
:root {
  --bg: #f7f7f5; --panel: #ffffff; --ink: #1c1e21; --muted: #595f69; --line: #dcdfe4; --accent: #1a56db;
  --accent-ink: #ffffff; --warn: #9a3412; --warn-bg: #fff4e5; --ok: #166534; --ok-bg: #ecfdf3; --sel: #eef3ff;
  --focus: #f59e0b; --radius: 8px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 16px; line-height: 1.5; color: var(--ink); background: var(--bg);
}
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; }
a { color: var(--accent); text-underline-offset: 2px; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 3px; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--panel); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.top { background: #111827; color: #f9fafb; }
header.top .bar { max-width: 76rem; margin: 0 auto; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; padding: .6rem 1rem; }
header.top a { color: #f9fafb; text-decoration: none; }
header.top a[aria-current="page"] { text-decoration: underline; text-underline-offset: 6px; }
header.top .brand { font-weight: 700; letter-spacing: .02em; margin-right: .5rem; }
header.top nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
header.top form.signout { margin-left: auto; display: flex; align-items: center; gap: .6rem; }
header.top form.signout .viewer { color: #d1d5db; }
header.top button.link { background: none; border: 0; color: #f9fafb; font: inherit; cursor: pointer; padding: 0; text-decoration: underline; }
search.search-box { display: block; flex: 1 1 22rem; min-width: 0; }
form.search { display: flex; gap: .5rem; min-width: 0; }
form.search input { flex: 1; min-width: 0; }
input, select, button, textarea { font: inherit; }
input[type="text"], input[type="search"], input[type="password"], input[type="date"], select {
  border: 1px solid #8a919c; border-radius: 6px; padding: .35rem .55rem; background: #fff; color: var(--ink); min-height: 2.25rem;
}
button, .button { border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); border-radius: 6px; padding: .35rem .8rem; cursor: pointer; min-height: 2.25rem; text-decoration: none; display: inline-flex; align-items: center; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
main { max-width: 76rem; margin: 0 auto; padding: 1rem; }
.layout { display: grid; grid-template-columns: 15rem minmax(0, 1fr); gap: 1.5rem; align-items: start; }
@media (max-width: 760px) { .layout { grid-template-columns: minmax(0, 1fr); } .layout > aside.filters { order: 2; } header.top form.signout { margin-left: 0; } }
aside.filters { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .75rem 1rem; }
aside.filters h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: .75rem 0 .35rem; }
aside.filters h2:first-child { margin-top: 0; }
aside.filters ul { list-style: none; margin: 0; padding: 0; }
aside.filters li a { display: flex; justify-content: space-between; gap: .5rem; padding: .2rem .4rem; border-radius: 5px; text-decoration: none; color: var(--ink); }
aside.filters li a:hover { background: var(--sel); }
aside.filters li a[aria-current="true"] { background: var(--sel); font-weight: 600; }
.count { font-variant-numeric: tabular-nums; color: var(--muted); min-width: 2ch; text-align: right; }
nav.views { display: flex; gap: 4px; margin: 0 0 12px; }
nav.views a { padding: 4px 10px; border-radius: 6px; text-decoration: none; }
nav.views a[aria-current="page"] { background: var(--sel); font-weight: 600; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: .25rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
section.group > h2 { display: flex; gap: .5rem; align-items: baseline; }
ol.rows { list-style: none; margin: 0; padding: 0; display: grid; gap: .5rem; }
li.row { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .65rem .85rem; }
li.row.is-selected { border-color: var(--accent); box-shadow: 0 0 0 2px var(--sel); background: #fbfcff; }
.row-title { display: flex; flex-wrap: wrap; gap: .25rem .6rem; align-items: baseline; }
.row-title a { font-weight: 600; text-decoration: none; }
.row-title a:hover { text-decoration: underline; }
.key { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.reason { margin: .2rem 0; }
.meta { display: flex; flex-wrap: wrap; gap: .2rem .9rem; color: var(--muted); font-size: .9rem; align-items: center; }
.pill { display: inline-block; border: 1px solid var(--line); border-radius: 999px; padding: 0 .5rem; font-size: .8rem; color: var(--muted); background: #fafafa; }
.pill.unverified { border-color: var(--warn); color: var(--warn); background: var(--warn-bg); }
.src { display: inline-block; border-radius: 4px; padding: 0 .35rem; font-size: .75rem; font-weight: 600; color: #fff; }
.via { font-size: .8rem; color: var(--muted); }
.kind { font-size: .8rem; font-weight: 600; color: var(--warn); background: var(--warn-bg); border-radius: 4px; padding: 0 .4rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .4rem; align-items: flex-start; }
.actions > button { color: var(--accent); background: #fff; border: 1px solid var(--line); padding: .1rem .5rem; font-size: .9rem; min-height: 0; }
.actions > button[aria-expanded="true"] { border-color: var(--accent); }
.actions > .button.act, .act-off > button.act { background: #fff; color: var(--accent); border: 1px solid var(--accent); padding: .1rem .6rem; font-size: .9rem; min-height: 0; }
.act-off > button.act[disabled] { color: var(--muted); border-color: var(--line); cursor: not-allowed; }
.act-off .needs { font-size: .8rem; color: var(--warn); }
textarea { border: 1px solid #8a919c; border-radius: 6px; padding: .45rem .6rem; width: 100%; background: #fff; color: var(--ink); }
button[disabled] { opacity: .6; cursor: not-allowed; }
.action-submit { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
ol.planned { list-style: none; margin: 0 0 1rem; padding: 0; display: grid; gap: .75rem; }
.planned-write { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .75rem .9rem; }
.planned-write label { display: block; font-weight: 600; margin: .4rem 0 .25rem; }
.planned-write blockquote { white-space: pre-wrap; margin: .4rem 0 0; padding-left: .75rem; border-left: 3px solid var(--line); }
.item.pending { border-style: dashed; background: #fbfcff; }
.pill.state-failed { border-color: var(--warn); color: var(--warn); background: var(--warn-bg); }
.pill.state-done { border-color: #bbf7d0; color: var(--ok); background: var(--ok-bg); }
.flag-forms { display: none; }
form.flag-form { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin-top: .4rem; }
form.inline { display: inline-flex; gap: .4rem; align-items: center; flex-wrap: wrap; margin: 0; }
.more { margin: .5rem 0 0; }
.notice { border-radius: var(--radius); padding: .6rem .9rem; margin-bottom: 1rem; background: var(--ok-bg); color: var(--ok); border: 1px solid #bbf7d0; }
.notice.error { background: var(--warn-bg); color: var(--warn); border-color: #fed7aa; }
.empty { background: var(--panel); border: 1px dashed var(--line); border-radius: var(--radius); padding: 1.25rem; color: var(--muted); }
.task-head { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem; margin-bottom: 1rem; }
.task-head h1 { margin: 0 0 .5rem; }
ol.timeline, ol.replies { list-style: none; margin: 0; padding: 0; }
ol.timeline > li { margin: 0 0 .75rem; }
.item { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .6rem .85rem; }
.item.evidence { border-left: 4px solid var(--warn); background: #fffaf3; }
.item:target { box-shadow: 0 0 0 3px var(--focus); }
.item-head { display: flex; flex-wrap: wrap; gap: .2rem .6rem; align-items: baseline; font-size: .92rem; color: var(--muted); }
.item-head strong { color: var(--ink); }
.item .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .35rem 0 0; }
ol.replies { margin: .5rem 0 0 1.25rem; padding-left: .75rem; border-left: 2px solid var(--line); display: grid; gap: .5rem; }
.email-subject { font-weight: 600; margin: .35rem 0 0; }
.email-body { margin-top: .4rem; padding: .5rem .75rem; border: 1px solid var(--line); border-radius: 6px; background: #fff;
  max-height: 28rem; overflow: auto; overflow-wrap: anywhere; contain: content; position: relative; isolation: isolate; }
.email-body * { max-width: 100%; position: static !important; }
.email-body img { display: inline-block; min-width: 4rem; min-height: 1.5rem; background: #f1f1f1; border: 1px dashed #aaa; }
.email-body table { border-collapse: collapse; }
.email-body td, .email-body th { border: 1px solid var(--line); padding: .2rem .4rem; }
details.whole > summary { cursor: pointer; color: var(--muted); font-size: .9rem; margin-top: .3rem; }
.flags { display: grid; gap: .5rem; margin-bottom: 1rem; }
.flag { background: var(--warn-bg); border: 1px solid #fed7aa; border-radius: var(--radius); padding: .6rem .85rem; }
.two-col { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1.5rem; }
table.list { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); }
table.list th, table.list td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.sources .state-failing { color: var(--warn); font-weight: 600; }
table.sources .state-ok { color: var(--ok); }
table.sources .reason { max-width: 40rem; overflow-wrap: anywhere; }
table.sources .meta { display: block; }
.signin { max-width: 26rem; margin: 10vh auto; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1.5rem; }
.signin label { display: block; font-weight: 600; margin-bottom: .35rem; }
.signin input { width: 100%; margin-bottom: 1rem; }
dialog { border: 1px solid var(--line); border-radius: var(--radius); max-width: 30rem; padding: 1rem 1.25rem; }
dialog::backdrop { background: rgba(0,0,0,.35); }
kbd { font-family: ui-monospace, monospace; border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; padding: 0 .35rem; background: #fafafa; }
dl.keys { display: grid; grid-template-columns: auto 1fr; gap: .35rem 1rem; }
dl.keys dd { margin: 0; }
footer.hint { max-width: 76rem; margin: 0 auto; padding: 0 1rem 2rem; color: var(--muted); font-size: .9rem; }
`;

/** Only without the script: the page's flag forms stand above the list, for the rows' buttons to submit. */
export const NOSCRIPT_CSS = `
.flag-forms { display: grid; gap: .25rem; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .6rem .85rem; margin-bottom: 1rem; }
.flag-forms .meta { margin: 0; }
.flag-forms form.flag-form { margin-top: 0; }
.flag-forms [data-submit] { display: none; }
`;

/**
 * Keyboard shortcuts, the help dialog, the flag forms opened in a row, and loading an email's images when
 * asked. The rows' Snooze and Dismiss buttons become plain buttons that move the page's one form of that
 * action into their row (so Enter in its field submits that form, for that flag, and nothing else).
 */
export const APP_JS = `(() => {
  "use strict";
  const rows = () => Array.from(document.querySelectorAll("[data-row]"));
  let current = -1;
  const select = (i) => {
    const list = rows();
    if (list.length === 0) return;
    current = Math.max(0, Math.min(list.length - 1, i));
    list.forEach((row, n) => row.classList.toggle("is-selected", n === current));
    const row = list[current];
    row.scrollIntoView({ block: "nearest" });
    const link = row.querySelector("[data-open]");
    if (link) link.focus({ preventScroll: true });
  };
  const panel = document.querySelector(".flag-forms");
  const openers = () => Array.from(document.querySelectorAll("button[data-action]"));
  openers().forEach((button) => {
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
  });
  document.querySelectorAll("form[data-form] [data-submit]").forEach((button) => { button.disabled = false; });
  let opener = null;
  const closeForms = () => {
    if (panel) document.querySelectorAll("form[data-form]").forEach((form) => panel.appendChild(form));
    if (opener) opener.setAttribute("aria-expanded", "false");
    opener = null;
  };
  const openForm = (button, toggle) => {
    const form = document.querySelector('form[data-form="' + button.getAttribute("data-action") + '"]');
    if (!form) return;
    if (opener === button) {
      if (toggle) { closeForms(); button.focus(); return; }
    } else {
      closeForms();
      form.setAttribute("action", button.getAttribute("formaction"));
      const submit = form.querySelector("[data-submit]");
      if (submit) submit.setAttribute("aria-label", button.getAttribute("aria-label"));
      button.parentElement.after(form);
      button.setAttribute("aria-expanded", "true");
      opener = button;
    }
    const field = form.querySelector("input:not([type=hidden])");
    if (field) field.focus();
  };
  const openAction = (name) => {
    const row = rows()[current];
    const button = row && row.querySelector('button[data-action="' + name + '"]');
    if (button) openForm(button, false);
  };
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const help = document.getElementById("help");
    if (typing(event.target)) {
      if (event.key !== "Escape") return;
      if (opener && event.target.closest("form[data-form]")) {
        const button = opener;
        closeForms();
        button.focus();
      } else event.target.blur();
      return;
    }
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "o": case "Enter": {
        const row = rows()[current];
        const link = row && row.querySelector("[data-open]");
        if (link) link.click(); else return;
        break;
      }
      case "s": openAction("snooze"); break;
      case "e": openAction("dismiss"); break;
      case "/": { const q = document.getElementById("q"); if (q) q.focus(); break; }
      case "?": if (help && !help.open) help.showModal(); break;
      default: return;
    }
    event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const load = target && target.closest("[data-load-images]");
    if (load) {
      const box = document.getElementById(load.getAttribute("data-load-images"));
      if (box) box.querySelectorAll("img[data-src]").forEach((img) => {
        const src = img.getAttribute("data-src");
        if (src && src.startsWith("https://")) img.setAttribute("src", src);
        img.removeAttribute("data-src");
      });
      load.remove();
    }
    if (target && target.closest("[data-help]")) {
      const help = document.getElementById("help");
      if (help) { event.preventDefault(); help.showModal(); }
    }
    if (target && target.closest("[data-close]")) {
      const dialog = target.closest("dialog");
      if (dialog) dialog.close();
    }
    const row = target && target.closest("[data-row]");
    if (row) current = rows().indexOf(row);
    const action = target && target.closest("button[data-action]");
    if (action) { event.preventDefault(); openForm(action, true); }
  });
  document.documentElement.classList.add("js");
})();
`;

/** A short content hash for cache-busting the asset URLs (FNV-1a). */
function hashOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export const CSS_PATH = `/assets/app.${hashOf(APP_CSS)}.css`;
export const JS_PATH = `/assets/app.${hashOf(APP_JS)}.js`;
export const NOSCRIPT_CSS_PATH = `/assets/noscript.${hashOf(NOSCRIPT_CSS)}.css`;

/**
 * Each registered source's badge colour (`.src-jira`), from its connector's descriptor: a style sheet of its
 * own, since the page's policy allows no inline style. Ids and colours are checked by `toSourceList`.
 */
export function toSourceStyles(sources: readonly SourceAbout[]): { css: string; path: string } {
  const css = sources.map((s) => `.src-${s.id} { background: ${s.badgeColor}; }\n`).join("");
  return { css, path: `/assets/sources.${hashOf(css)}.css` };
}
