/**
 * The messages actions write, which a team can change under `actions.templates` in `threadline.config.json`.
 * A template is plain text with `{placeholders}`; each names what it may use, and an unknown one is refused
 * when the file is read, not when someone acts.
 */
import { z } from "zod";
import { ConfigError } from "../config.ts";

/** What each placeholder is filled with. */
export const PLACEHOLDERS = {
  sender: "who wrote the message quoted or answered (`Dana Ruiz <dana@client.io>`)",
  date: "when that message was written, in the team's time zone (`3 Mar 2025`)",
  quote: "the message's first lines, each after `> `",
  link: "a link to the message",
  via: "where the message was said (`by email`, `in Slack`)",
  task: "the task's key (`ACME-12`)",
  title: "the task's title",
  actor: "who acts (the signed-in person's name)",
  today: "today, in the team's time zone",
  question: "the question asked, as the flag quotes it",
  release: "what was deployed: the merged pull requests, or the task",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

/** The default of each template and the placeholders it may use. */
const TEMPLATE_SPECS = {
  /** `feedback_off_board` → record: the comment on the task quoting the outside message. */
  record: {
    text: "{sender} wrote {via} on {date}:\n\n{quote}\n\n{link}",
    placeholders: ["sender", "date", "quote", "link", "via", "task", "title", "actor", "today"],
  },
  /** `unanswered_question` → nudge: after the mentions of the people it waits on. */
  nudge: {
    text: "a reminder about {sender}'s question of {date}, still waiting for an answer:\n\n{quote}",
    placeholders: ["sender", "date", "quote", "link", "via", "task", "title", "actor", "today", "question"],
  },
  /** `missing_approval` → request-review on a pull request: the comment after the review request. */
  requestReview: {
    text: "could you review {task}, please? It is waiting for an approving review.",
    placeholders: ["task", "title", "actor", "today"],
  },
  /** `missing_approval` → request-review for an approval asked by email, in chat or on the task. */
  approvalFollowUp: {
    text: "a reminder about the approval {sender} asked for on {date}:\n\n{quote}",
    placeholders: ["sender", "date", "quote", "link", "via", "task", "title", "actor", "today"],
  },
  /** `done_not_deployed` → confirm-deployed: the comment the deployment rule counts as confirmation. */
  confirmDeployed: {
    text: "Deployed to production: {release}. Confirmed by {actor} on {today}.",
    placeholders: ["task", "title", "actor", "today", "release"],
  },
  /** `blocked_external` → chase: the draft or thread reply to the outside party. */
  chase: {
    text: "Hello, following up on {title}: we are still waiting on your reply to the message of {date}. Could you let us know where this stands?",
    placeholders: ["sender", "date", "quote", "link", "via", "task", "title", "actor", "today"],
  },
} as const satisfies Record<string, { text: string; placeholders: readonly Placeholder[] }>;

export type TemplateName = keyof typeof TEMPLATE_SPECS;
export type ActionTemplates = Readonly<Record<TemplateName, string>>;

export const DEFAULT_TEMPLATES: ActionTemplates = Object.fromEntries(
  Object.entries(TEMPLATE_SPECS).map(([name, spec]) => [name, spec.text]),
) as Record<TemplateName, string>;

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

const templateOf = (name: TemplateName) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(4000, "must be at most 4000 characters")
    .superRefine((text, ctx) => {
      const allowed: readonly string[] = TEMPLATE_SPECS[name].placeholders;
      for (const [, used] of text.matchAll(PLACEHOLDER)) {
        if (!allowed.includes(used!)) {
          ctx.addIssue({
            code: "custom",
            message: `uses {${used}}, which it cannot fill: use ${allowed.map((p) => `{${p}}`).join(", ")}`,
          });
        }
      }
    })
    .default(TEMPLATE_SPECS[name].text);

export const ActionSettingsSchema = z
  .object({
    templates: z
      .object(
        Object.fromEntries(
          (Object.keys(TEMPLATE_SPECS) as TemplateName[]).map((name) => [name, templateOf(name)]),
        ) as { [N in TemplateName]: ReturnType<typeof templateOf> },
      )
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/**
 * The templates of the parsed `threadline.config.json` (its `actions` object; undefined when there is no
 * file): each one given, the default for the rest. Throws a ConfigError that names the template.
 */
export function parseActionTemplates(config: unknown): ActionTemplates {
  const fromFile = config && typeof config === "object" && "actions" in config ? config.actions : undefined;
  const parsed = ActionSettingsSchema.safeParse(fromFile ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ["actions", ...issue.path.map(String)].join(".");
    const keys = issue.code === "unrecognized_keys" ? ` (${issue.keys.join(", ")})` : "";
    throw new ConfigError(`[threadline] [actions] threadline.config.json: ${path} ${issue.message}${keys}`);
  }
  return parsed.data.templates;
}

/** A template with its placeholders filled; one with no value is left empty. Pure. */
export function fillTemplate(template: string, values: Partial<Record<Placeholder, string>>): string {
  return template
    .replace(PLACEHOLDER, (_, name: string) => values[name as Placeholder] ?? "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
