import type { LinkCandidate, LinkContext } from "../../src/linking/index.ts";
import type { LinkRule } from "../../src/model/kinds.ts";

/** Two Jira projects on one Cloud site; two repositories, on github.com and on a GitHub Enterprise host. */
export const CONTEXT: LinkContext = {
  jiraProjects: ["FAL", "OPS"],
  jiraSiteUrls: ["https://acme.atlassian.net"],
  githubRepos: ["acme/Web-App", "acme/api"],
  githubWebUrls: ["https://github.com", "https://git.acme.corp"],
};

export interface LinkCase {
  name: string;
  item: LinkCandidate;
  /** The exact links: task key → rule. `{}` when the item must link nothing. */
  links: Record<string, LinkRule>;
}

const slack = (text: string): LinkCandidate => ({ source: "slack", kind: "chat_message", text });
const teams = (text: string): LinkCandidate => ({ source: "teams", kind: "chat_message", text });
const jiraComment = (parentTaskKey: string, text: string): LinkCandidate => ({
  source: "jira",
  kind: "comment",
  parentTaskKey,
  text,
});
const email = (title: string, text: string): LinkCandidate => ({
  source: "gmail",
  kind: "email",
  title,
  text,
});
/** A comment or body in a configured repository: a bare `#N` means an issue of `repo`. */
const ghText = (text: string, repo = "acme/api"): LinkCandidate => ({
  source: "github",
  kind: "comment",
  repo,
  text,
});
/** A pull request item of `acme/api#5`. */
const pr = (fields: Partial<LinkCandidate>): LinkCandidate => ({
  source: "github",
  kind: "pull_request",
  repo: "acme/api",
  ownTaskKey: "acme/api#5",
  text: "",
  ...fields,
});

export const CASES: LinkCase[] = [
  // ---- Jira comments: the issue they are on, plus what they mention ----------------------------------------
  {
    name: "jira comment without a key belongs to its issue",
    item: jiraComment("FAL-12", "Looks good to me, moving to QA once the build is green."),
    links: { "FAL-12": "source_parent" },
  },
  {
    name: "jira comment naming other issues",
    item: jiraComment("FAL-12", "Blocked by FAL-7 (API contract), see also OPS-3.\nWill pick up tomorrow."),
    links: { "FAL-12": "source_parent", "FAL-7": "jira_key", "OPS-3": "jira_key" },
  },
  {
    name: "jira comment naming its own issue keeps source_parent",
    item: jiraComment("FAL-12", "FAL-12 is reproducible on staging, logs attached."),
    links: { "FAL-12": "source_parent" },
  },
  {
    name: "jira comment with a pull request URL",
    item: jiraComment("FAL-12", "PR is up: https://github.com/acme/api/pull/41 — reviews welcome"),
    links: { "FAL-12": "source_parent", "acme/api#41": "github_url" },
  },
  {
    name: "jira comment about encodings and formats",
    item: jiraComment(
      "OPS-9",
      "The export must be UTF-8, dates ISO-8601, and the checksum SHA-256. Same as the COVID-19 report.",
    ),
    links: { "OPS-9": "source_parent" },
  },
  {
    name: "jira comment with a lower-case parent key",
    item: jiraComment("fal-12", "Reassigning to Priya."),
    links: { "FAL-12": "source_parent" },
  },
  {
    name: "jira comment with the issue URL of another Jira site",
    item: jiraComment("FAL-12", "Same bug as https://globex.atlassian.net/browse/FAL-40 in their tracker."),
    links: { "FAL-12": "source_parent" },
  },

  // ---- Jira keys in the forms people write them ------------------------------------------------------------
  { name: "bracketed key", item: slack("[FAL-12] is ready for review"), links: { "FAL-12": "jira_key" } },
  {
    name: "lower-case key",
    item: slack("can someone look at fal-12 before standup?"),
    links: { "FAL-12": "jira_key" },
  },
  {
    name: "key with a colon at line start",
    item: slack("FAL-12: done\nOPS-4: waiting on infra"),
    links: { "FAL-12": "jira_key", "OPS-4": "jira_key" },
  },
  {
    name: "key in parentheses",
    item: slack("Login is broken again (FAL-12), rolling back."),
    links: { "FAL-12": "jira_key" },
  },
  {
    name: "keys in a list with trailing commas",
    item: slack("Shipping today:\nFAL-12,\nFAL-13,\nOPS-2"),
    links: { "FAL-12": "jira_key", "FAL-13": "jira_key", "OPS-2": "jira_key" },
  },
  {
    name: "markdown link to the issue",
    item: slack("See [FAL-12](https://acme.atlassian.net/browse/FAL-12) for the repro steps"),
    links: { "FAL-12": "jira_url" },
  },
  {
    name: "bold and code-formatted keys",
    item: slack("**FAL-12** is merged; `OPS-4` still open; _FAL-20_ next"),
    links: { "FAL-12": "jira_key", "OPS-4": "jira_key", "FAL-20": "jira_key" },
  },
  {
    name: "a longer number is a different issue",
    item: slack("Not FAL-12! It's FAL-123 that regressed."),
    links: { "FAL-12": "jira_key", "FAL-123": "jira_key" },
  },
  {
    name: "only FAL-123, never FAL-12 from it",
    item: slack("FAL-123 is the one"),
    links: { "FAL-123": "jira_key" },
  },
  {
    name: "encodings, standards and hashes are not keys",
    item: slack("Set the charset to UTF-8, timestamps as ISO-8601, hash with SHA-256. COVID-19 rules apply."),
    links: {},
  },
  {
    name: "keys of unconfigured projects",
    item: slack("Marketing tracks this in ABC-12 and X-1, not in our board"),
    links: {},
  },
  { name: "key inside a longer token", item: slack("XFAL-12 and FALX-3 are build ids"), links: {} },
  { name: "key with a letter suffix", item: slack("part FAL-12a and FAL-12b shipped"), links: {} },
  {
    name: "key-like email addresses",
    item: slack("mail fal-12@acme.com or ops-3@lists.acme.com for access"),
    links: {},
  },
  {
    name: "issue URL of another Jira site",
    item: slack("their ticket: https://globex.atlassian.net/browse/FAL-12"),
    links: {},
  },
  {
    name: "key inside the URL of another site",
    item: slack("docs at https://wiki.example.com/spaces/FAL-12/overview and example.org/FAL-13"),
    links: {},
  },
  {
    name: "browse URL of our site links an unconfigured project",
    item: slack("Design asked in https://acme.atlassian.net/browse/DATA-9"),
    links: { "DATA-9": "jira_url" },
  },
  {
    name: "board URL with selectedIssue",
    item: slack("https://acme.atlassian.net/jira/software/projects/FAL/boards/1?selectedIssue=FAL-12"),
    links: { "FAL-12": "jira_url" },
  },
  {
    name: "slack-formatted browse link",
    item: slack("<https://acme.atlassian.net/browse/FAL-12|FAL-12> needs an owner"),
    links: { "FAL-12": "jira_url" },
  },
  {
    name: "browse URL with a comment anchor",
    item: slack("https://acme.atlassian.net/browse/OPS-7?focusedCommentId=10442&page=com.atlassian"),
    links: { "OPS-7": "jira_url" },
  },
  {
    name: "browse URL without a scheme",
    item: slack("acme.atlassian.net/browse/FAL-12 is the one"),
    links: { "FAL-12": "jira_url" },
  },
  {
    name: "browse URL of another site without a scheme",
    item: slack("globex.atlassian.net/browse/FAL-12 is theirs"),
    links: {},
  },
  { name: "numbers with a leading zero or zero", item: slack("FAL-012 and FAL-0 are typos"), links: {} },
  { name: "date-like codes", item: slack("change window OPS-2024-05 approved"), links: {} },
  {
    name: "host names and versions",
    item: slack("preview at fal-12.preview.acme.dev, lib FAL-12.5 released"),
    links: {},
  },
  {
    name: "key as a hashtag and in a path",
    item: slack("#FAL-12 notes in docs/FAL-13/readme"),
    links: { "FAL-12": "jira_key", "FAL-13": "jira_key" },
  },

  // ---- GitHub references -----------------------------------------------------------------------------------
  { name: "closing keyword with bare #N", item: ghText("Fixes #12"), links: { "acme/api#12": "github_ref" } },
  {
    name: "closing keyword with owner/repo#N in configured casing",
    item: ghText("closes acme/web-app#8 and ACME/API#9"),
    links: { "acme/Web-App#8": "github_ref", "acme/api#9": "github_ref" },
  },
  {
    name: "several bare references",
    item: ghText("resolves #3, relates to #4."),
    links: { "acme/api#3": "github_ref", "acme/api#4": "github_ref" },
  },
  { name: "bare #N outside a repository", item: slack("see #12 for details"), links: {} },
  {
    name: "bare #N in an unconfigured repository",
    item: ghText("Fixes #12", "someone/lib"),
    links: {},
  },
  {
    name: "owner/repo#N of an unconfigured repository",
    item: ghText("upstream bug torvalds/linux#1 and acme/other#2"),
    links: {},
  },
  {
    name: "pull request files URL",
    item: slack("https://github.com/acme/api/pull/12/files looks fine"),
    links: { "acme/api#12": "github_url" },
  },
  {
    name: "issue URL with a comment fragment",
    item: slack("answered in https://github.com/Acme/Web-App/issues/30#issuecomment-1844520021"),
    links: { "acme/Web-App#30": "github_url" },
  },
  {
    name: "GitHub Enterprise pull request URL",
    item: slack("ready: https://git.acme.corp/acme/api/pull/9"),
    links: { "acme/api#9": "github_url" },
  },
  {
    name: "unconfigured repository URL",
    item: slack("upstream: https://github.com/other/lib/issues/3 and https://gitlab.com/acme/api/-/issues/4"),
    links: {},
  },
  {
    name: "CSS colours in style text",
    item: ghText('<span style="color: #123456; background:#fff">x</span> border: 1px solid #333333;'),
    links: {},
  },
  { name: "we're #1", item: ghText("Launch went great, we're #1 on Hacker News"), links: {} },
  {
    name: "zero, leading zero and too many digits",
    item: ghText("#0 #012 #12345678 C#1 item#4"),
    links: {},
  },
  { name: "HTML entity", item: ghText("it&#39;s done &#8212; thanks"), links: {} },
  {
    name: "fragment of another site's URL",
    item: ghText("per https://docs.example.com/guide#12 the flag is optional"),
    links: {},
  },
  {
    name: "merge commit message",
    item: ghText("Merge pull request #45 from acme/feature-x\n\nFAL-12 login form"),
    links: { "acme/api#45": "github_ref", "FAL-12": "jira_key" },
  },
  {
    name: "issue number in prose",
    item: ghText("This is issue number #77, the same as before"),
    links: { "acme/api#77": "github_ref" },
  },

  // ---- Branch names ----------------------------------------------------------------------------------------
  {
    name: "feature branch with key and slug",
    item: pr({ branch: "feature/FAL-12-login" }),
    links: { "acme/api#5": "source_parent", "FAL-12": "branch_name" },
  },
  {
    name: "lower-case branch with underscore",
    item: pr({ branch: "fal-12_fix" }),
    links: { "acme/api#5": "source_parent", "FAL-12": "branch_name" },
  },
  {
    name: "bugfix branch ending in the key",
    item: pr({ branch: "bugfix/FAL-12" }),
    links: { "acme/api#5": "source_parent", "FAL-12": "branch_name" },
  },
  {
    name: "branch that is the key",
    item: pr({ branch: "OPS-4" }),
    links: { "acme/api#5": "source_parent", "OPS-4": "branch_name" },
  },
  {
    name: "GitHub issue branch",
    item: pr({ branch: "12-fix-login" }),
    links: { "acme/api#5": "source_parent", "acme/api#12": "branch_name" },
  },
  {
    name: "GitHub issue branch outside a configured repository",
    item: { source: "github", kind: "pull_request", text: "", branch: "12-fix-login", repo: "someone/lib" },
    links: {},
  },
  {
    name: "date branch is not an issue branch",
    item: pr({ branch: "2024-05-01-hotfix" }),
    links: { "acme/api#5": "source_parent" },
  },
  {
    name: "dependabot branch",
    item: pr({ branch: "dependabot/npm_and_yarn/utf-8-validate-6.0.4" }),
    links: { "acme/api#5": "source_parent" },
  },
  {
    name: "issue number not at the branch start",
    item: pr({ branch: "feature/12-fix" }),
    links: { "acme/api#5": "source_parent" },
  },
  {
    name: "deployment of a ref",
    item: {
      source: "github",
      kind: "deployment",
      text: "Deployed to staging",
      branch: "refs/heads/FAL-12-login",
    },
    links: { "FAL-12": "branch_name" },
  },

  // ---- Pull request titles ---------------------------------------------------------------------------------
  {
    name: "pull request title with key and colon",
    item: pr({ title: "FAL-12: Add login", url: "https://github.com/acme/api/pull/5" }),
    links: { "acme/api#5": "source_parent", "FAL-12": "pull_request_title" },
  },
  {
    name: "a key in the body outranks the title",
    item: pr({ title: "[FAL-12] Add login", text: "Implements FAL-12.\n\n- adds the form\n- adds tests" }),
    links: { "acme/api#5": "source_parent", "FAL-12": "jira_key" },
  },
  {
    name: "branch outranks the title",
    item: pr({ title: "FAL-12 login", branch: "feature/FAL-12-login" }),
    links: { "acme/api#5": "source_parent", "FAL-12": "branch_name" },
  },
  {
    name: "dependency bump title",
    item: pr({ title: "Bump utf-8-validate from 5.0.2 to 6.0.4", branch: "dependabot/npm_and_yarn/x" }),
    links: { "acme/api#5": "source_parent" },
  },
  {
    name: "squash title naming its pull request and an issue URL in the body",
    item: pr({
      title: "Fix login redirect (#5)",
      text: "Jira: https://acme.atlassian.net/browse/FAL-12\nCloses #11",
    }),
    links: { "acme/api#5": "source_parent", "FAL-12": "jira_url", "acme/api#11": "github_ref" },
  },
  {
    name: "review on a pull request",
    item: {
      source: "github",
      kind: "review",
      repo: "acme/api",
      parentTaskKey: "acme/api#5",
      url: "https://github.com/acme/api/pull/5#pullrequestreview-2001",
      text: "Approved, but please follow up on #7 and FAL-30.",
    },
    links: { "acme/api#5": "source_parent", "acme/api#7": "github_ref", "FAL-30": "jira_key" },
  },
  {
    name: "review comment whose parent is in another casing",
    item: {
      source: "github",
      kind: "review_comment",
      repo: "ACME/web-app",
      parentTaskKey: "ACME/WEB-APP#8",
      text: "nit: rename this",
    },
    links: { "acme/Web-App#8": "source_parent" },
  },

  // ---- Slack and Teams -------------------------------------------------------------------------------------
  {
    name: "slack release note",
    item: slack("@here deploy of FAL-12 and fal-13 went out :rocket:"),
    links: { "FAL-12": "jira_key", "FAL-13": "jira_key" },
  },
  {
    name: "slack link to a pull request with a #N label",
    item: slack("<https://github.com/acme/api/pull/41|#41> needs a second approval"),
    links: { "acme/api#41": "github_url" },
  },
  {
    name: "slack small talk",
    item: slack("the SHA-256 of the ISO-8601 build is in #releases, we're #1 again"),
    links: {},
  },
  {
    name: "teams conversation turned to text",
    item: teams("Priya Shah: can we ship FAL-12 today?\nTom: FAL-12 is in review, OPS-7 blocks the release"),
    links: { "FAL-12": "jira_key", "OPS-7": "jira_key" },
  },
  {
    name: "teams meeting notes list",
    item: teams("Meeting notes\nAction items:\n• OPS-7 rotate the credentials\n• FAL-30 update docs\n"),
    links: { "OPS-7": "jira_key", "FAL-30": "jira_key" },
  },
  {
    name: "teams message with a priority number",
    item: teams("Priority #1 for this sprint is FAL-30 (not #2, that one is OPS-1)"),
    links: { "FAL-30": "jira_key", "OPS-1": "jira_key" },
  },

  // ---- Email -----------------------------------------------------------------------------------------------
  {
    name: "client reply with a key in the subject, quoted history and a signature",
    item: email(
      "Re: [FAL-12] Login broken on Safari",
      "Hi Tom,\n\nStill failing on Safari 17 for us.\n\nBest,\nAnna Berg\nGlobex Ltd | +1 (555) 010-1234\n\n" +
        "On Tue, 4 Jun 2024 at 10:12, Tom Lee <tom@acme.com> wrote:\n> We deployed a fix this morning.\n",
    ),
    links: { "FAL-12": "jira_key" },
  },
  {
    name: "key only in the quoted history still links",
    item: email(
      "Re: next steps",
      "Thanks, that works for us.\n\nOn Mon, Priya <priya@acme.com> wrote:\n> Tracking this as OPS-4.\n> Priya",
    ),
    links: { "OPS-4": "jira_key" },
  },
  {
    name: "email signature and encodings",
    item: email(
      "Invoice March",
      "Content-Type: text/plain; charset=UTF-8\nSent 2024-03-01T10:00:00Z (ISO-8601)\n\n--\nAnna | +44 20 7946 0958\nSent from my iPhone",
    ),
    links: {},
  },
  {
    name: "Jira notification email",
    item: email(
      "[JIRA] (FAL-12) Login broken on Safari",
      "Tom Lee commented on FAL-12\n\nView: https://acme.atlassian.net/browse/FAL-12?focusedCommentId=10442",
    ),
    links: { "FAL-12": "jira_url" },
  },
  {
    name: "Jira reply-to address is not a key",
    item: email("Your request", "Reply to jira+fal-12@acme.atlassian.net to comment."),
    links: {},
  },
  {
    name: "GitHub notification email",
    item: email(
      "Re: [acme/api] Fix login redirect (PR #5)",
      "@tom approved this pull request.\n\n—\nView it on GitHub: https://github.com/acme/api/pull/5#pullrequestreview-1",
    ),
    links: { "acme/api#5": "github_url" },
  },
];
