/**
 * The Jira side of the demo workspace: a client project (ACME, a customer portal for Acme Corp) of 30
 * issues over six weeks, ending at `now`, with something stuck in every way Jira can show: issues nobody
 * touched for weeks, questions nobody answered, work waiting on the client's credentials, issues without
 * an owner, work done without sign-off or without a release. The people are exported so the other
 * sandboxes (GitHub, Gmail, Slack, Teams) can use the same names and emails.
 */
import {
  type BodyInput,
  JiraDataset,
  type JiraDeployment,
} from "../../../connectors/sandbox/jira/dataset.ts";

/** The team (`demo.threadline.dev`) and the client (`acme-corp.example`). */
export const JIRA_DEMO_PEOPLE = {
  maya: { displayName: "Maya Chen", email: "maya@demo.threadline.dev" },
  tom: { displayName: "Tom Okoro", email: "tom@demo.threadline.dev" },
  lena: { displayName: "Lena Fischer", email: "lena@demo.threadline.dev" },
  raj: { displayName: "Raj Patel", email: "raj@demo.threadline.dev" },
  sofia: { displayName: "Sofia Rossi", email: "sofia@demo.threadline.dev" },
  dan: { displayName: "Dan Miller (Acme)", email: "dan.miller@acme-corp.example" },
  automation: { displayName: "Automation for Jira", email: null },
} as const;

export const JIRA_DEMO_TEAM_DOMAIN = "demo.threadline.dev";
export const JIRA_DEMO_PROJECT = "ACME";

type Person = keyof typeof JIRA_DEMO_PEOPLE;
type Step =
  | { day: number; comment: BodyInput; by: Person }
  | { day: number; status: string; by: Person }
  | { day: number; assign: Person | null; by: Person };

interface DemoIssue {
  summary: string;
  description?: BodyInput;
  type?: "Task" | "Bug" | "Story";
  reporter: Person;
  assignee: Person | null;
  labels?: string[];
  priority?: "Highest" | "High" | "Medium" | "Low";
  fixVersions?: string[];
  /** Days before `now` it was created. */
  created: number;
  steps?: Step[];
}

const mention = (who: Person) => ({ mention: who });

const ISSUES: DemoIssue[] = [
  {
    summary: "SSO login fails for Acme staff accounts",
    type: "Bug",
    description: "Staff who sign in through Acme's Okta get a 500 after the redirect.",
    reporter: "dan",
    assignee: "tom",
    labels: ["sso", "client-reported"],
    priority: "Highest",
    created: 40,
    steps: [
      { day: 39, status: "In Progress", by: "tom" },
      { day: 38, comment: "Reproduced: the SAML assertion has no email attribute.", by: "tom" },
      { day: 36, comment: ["Can you send the Okta app settings, ", mention("dan"), "?"], by: "tom" },
    ],
  },
  {
    summary: "Order history page times out for large accounts",
    type: "Bug",
    reporter: "lena",
    assignee: "raj",
    priority: "High",
    created: 35,
    steps: [
      { day: 34, status: "In Progress", by: "raj" },
      {
        day: 30,
        comment: "Added an index on orders(account_id, created_at); p95 down from 14 s to 300 ms.",
        by: "raj",
      },
      { day: 29, status: "In Review", by: "raj" },
      { day: 27, status: "Done", by: "raj" },
    ],
  },
  {
    summary: "Connect the portal to Acme's ERP API",
    description: "Needs API credentials and a test tenant from Acme IT.",
    reporter: "maya",
    assignee: "tom",
    labels: ["integration"],
    priority: "High",
    created: 33,
    steps: [
      { day: 32, status: "In Progress", by: "tom" },
      {
        day: 31,
        comment: ["Waiting for the ERP API credentials and test data from ", mention("dan"), "."],
        by: "tom",
      },
      { day: 24, status: "Blocked", by: "tom" },
      {
        day: 12,
        comment: "Still no sandbox credentials from Acme IT; we cannot test the order sync.",
        by: "tom",
      },
    ],
  },
  {
    summary: "Invoice PDF shows the wrong VAT number",
    type: "Bug",
    reporter: "dan",
    assignee: null,
    labels: ["billing", "client-reported"],
    priority: "High",
    created: 9,
    steps: [{ day: 8, comment: "Which VAT number should appear for the Dutch entity?", by: "maya" }],
  },
  {
    summary: "Password reset emails land in spam",
    type: "Bug",
    reporter: "sofia",
    assignee: "lena",
    created: 28,
    steps: [
      { day: 27, status: "In Progress", by: "lena" },
      { day: 26, comment: "SPF was missing the mail provider; added it.", by: "lena" },
      { day: 25, status: "Done", by: "lena" },
    ],
  },
  {
    summary: "Release 2.3 checklist",
    reporter: "maya",
    assignee: "maya",
    fixVersions: ["2.3"],
    created: 21,
    steps: [
      { day: 20, status: "In Progress", by: "maya" },
      {
        day: 6,
        comment: ["Release notes drafted. ", mention("sofia"), " can you sign off on the wording?"],
        by: "maya",
      },
    ],
  },
  {
    summary: "Export orders as CSV",
    type: "Story",
    reporter: "dan",
    assignee: "raj",
    fixVersions: ["2.3"],
    created: 26,
    steps: [
      { day: 25, status: "In Progress", by: "raj" },
      { day: 22, status: "In Review", by: "raj" },
      { day: 21, status: "Done", by: "raj" },
    ],
  },
  {
    summary: "Accessibility audit fixes on checkout",
    type: "Story",
    reporter: "sofia",
    assignee: "lena",
    labels: ["a11y"],
    created: 30,
    steps: [{ day: 29, status: "In Progress", by: "lena" }],
  },
  {
    summary: "Rate-limit the public quote API",
    reporter: "raj",
    assignee: "raj",
    created: 18,
    steps: [
      { day: 17, status: "In Progress", by: "raj" },
      { day: 16, comment: "Should the limit be per API key or per IP?", by: "raj" },
    ],
  },
  {
    summary: "Upgrade Node to 22 in production",
    reporter: "tom",
    assignee: "tom",
    created: 14,
    steps: [
      { day: 13, status: "In Progress", by: "tom" },
      { day: 10, status: "In Review", by: "tom" },
      { day: 9, comment: "Staging runs on 22 since Monday, no errors.", by: "lena" },
      { day: 8, status: "Done", by: "tom" },
    ],
  },
  {
    summary: "Acme logo blurry on retina screens",
    type: "Bug",
    reporter: "dan",
    assignee: "sofia",
    priority: "Low",
    created: 16,
    steps: [
      { day: 15, status: "In Progress", by: "sofia" },
      { day: 14, comment: "Waiting for the SVG version of the logo from Acme's agency.", by: "sofia" },
    ],
  },
  {
    summary: "Nightly backup job failed twice last week",
    type: "Bug",
    reporter: "automation",
    assignee: null,
    priority: "High",
    created: 5,
  },
  {
    summary: "Add Dutch translations",
    type: "Story",
    reporter: "dan",
    assignee: "sofia",
    created: 12,
    steps: [
      { day: 11, status: "In Progress", by: "sofia" },
      { day: 3, comment: ["Translations received, ", mention("dan"), " thanks!"], by: "sofia" },
    ],
  },
  {
    summary: "Search returns archived products",
    type: "Bug",
    reporter: "lena",
    assignee: "raj",
    created: 7,
    steps: [
      { day: 6, status: "In Progress", by: "raj" },
      { day: 2, status: "In Review", by: "raj" },
      { day: 1, comment: "Looks good, one question on the migration: does it need a reindex?", by: "tom" },
    ],
  },
  {
    summary: "Customer feedback survey after checkout",
    type: "Story",
    reporter: "maya",
    assignee: null,
    priority: "Low",
    created: 4,
  },
];

const FILLER: Array<[string, Person, Person | null, string]> = [
  ["Tidy up the feature flags from Q1", "tom", "tom", "Done"],
  ["Move image uploads to the CDN", "raj", "raj", "Done"],
  ["Document the deployment runbook", "lena", "lena", "In Progress"],
  ["Fix flaky end-to-end test for coupons", "raj", "lena", "Done"],
  ["Cache product prices for 5 minutes", "raj", "raj", "Done"],
  ["Show delivery estimates on the cart", "dan", "sofia", "To Do"],
  ["Remove the legacy v1 API endpoints", "tom", "tom", "In Review"],
  ["Audit log for admin actions", "maya", "raj", "To Do"],
  ["Improve error page copy", "sofia", "sofia", "Done"],
  ["Set up uptime alerts for the portal", "lena", "tom", "Done"],
  ["Paginate the user list in admin", "maya", "lena", "In Progress"],
  ["Dark mode for the dashboard", "dan", null, "To Do"],
  ["Weekly usage report for Acme", "dan", "maya", "Done"],
  ["Upgrade the PDF library", "raj", "raj", "To Do"],
  ["Bulk edit product categories", "dan", "sofia", "In Progress"],
];

const DAY = 86_400_000;

/** The demo's Jira site, its last events at `now`. */
export function buildJiraDemoDataset(
  options: { now?: Date; deployment?: JiraDeployment; email?: string; apiToken?: string } = {},
): JiraDataset {
  const now = (options.now ?? new Date()).getTime();
  const at = (daysAgo: number, hour = 10) => now - daysAgo * DAY + (hour - 12) * 3_600_000;
  const data = new JiraDataset({
    deployment: options.deployment ?? "cloud",
    now: at(45),
    ...(options.email ? { email: options.email } : {}),
    ...(options.apiToken ? { apiToken: options.apiToken } : {}),
  });
  for (const [id, person] of Object.entries(JIRA_DEMO_PEOPLE)) {
    data.addUser(id, {
      displayName: person.displayName,
      email: person.email,
      accountType: id === "automation" ? "app" : id === "dan" ? "customer" : "atlassian",
    });
  }
  data.addProject(JIRA_DEMO_PROJECT, "Acme customer portal");

  // Issues are created in key order; what happened to them afterwards is played in time order, so each
  // issue's `updated` is its last event.
  const creations: Array<() => void> = [];
  const steps: Array<{ at: number; run: () => void }> = [];
  ISSUES.forEach((spec, index) => {
    const key = `${JIRA_DEMO_PROJECT}-${index + 1}`;
    const createdAt = at(spec.created, 9 + (index % 6));
    creations.push(() =>
      data.addIssue({
        project: JIRA_DEMO_PROJECT,
        summary: spec.summary,
        description: spec.description ?? null,
        issueType: spec.type ?? "Task",
        reporter: spec.reporter,
        assignee: spec.assignee,
        labels: spec.labels ?? [],
        priority: spec.priority ?? "Medium",
        fixVersions: spec.fixVersions ?? [],
        at: createdAt,
      }),
    );
    (spec.steps ?? []).forEach((step, i) => {
      const when = at(step.day, 11 + (i % 5));
      steps.push({
        at: when,
        run: () => {
          if ("comment" in step) data.addComment(key, { author: step.by, body: step.comment, at: when });
          else if ("status" in step) data.transition(key, step.status, { by: step.by, at: when });
          else data.updateIssue(key, { assignee: step.assign }, { by: step.by, at: when });
        },
      });
    });
  });
  FILLER.forEach(([summary, reporter, assignee, status], i) => {
    const key = `${JIRA_DEMO_PROJECT}-${ISSUES.length + i + 1}`;
    const created = 44 - i * 2;
    const by = assignee ?? reporter;
    creations.push(() =>
      data.addIssue({ project: JIRA_DEMO_PROJECT, summary, reporter, assignee, at: at(created, 14) }),
    );
    if (status !== "To Do") {
      steps.push({
        at: at(created - 1, 15),
        run: () => data.transition(key, "In Progress", { by, at: at(created - 1, 15) }),
      });
    }
    if (status === "In Review" || status === "Done") {
      steps.push({
        at: at(created - 3, 15),
        run: () => data.transition(key, status, { by, at: at(created - 3, 15) }),
      });
    }
  });
  for (const create of creations) create();
  for (const step of steps.sort((a, b) => a.at - b.at)) step.run();
  data.addLink("ACME-3", "ACME-6");
  data.setClock(now);
  return data;
}
