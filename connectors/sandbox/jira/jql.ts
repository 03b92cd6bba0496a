/**
 * The part of JQL a sync client writes: clauses joined by AND over `project`, `key`/`issuekey`, `id`,
 * `updated` and `created`, then `ORDER BY`. Dates are epoch milliseconds or `yyyy-MM-dd[ HH:mm]` literals
 * read in the API user's time zone, as Jira reads them. Anything else is refused the way Jira refuses a
 * query it cannot parse (400 with `errorMessages`), so a connector that writes other JQL finds out here.
 */
import type { JiraDataset, SandboxIssue } from "./dataset.ts";
import { parseJqlDate } from "./time.ts";

export class JqlError extends Error {}

type Op = "=" | "!=" | ">" | ">=" | "<" | "<=" | "in" | "not in";

interface Clause {
  field: "project" | "key" | "id" | "updated" | "created";
  op: Op;
  values: string[];
}

export interface OrderBy {
  field: "updated" | "created" | "key";
  desc: boolean;
}

export interface Jql {
  clauses: Clause[];
  orderBy: OrderBy[];
}

const FIELD_ALIASES: Record<string, Clause["field"]> = {
  project: "project",
  key: "key",
  issuekey: "key",
  id: "id",
  updated: "updated",
  updateddate: "updated",
  created: "created",
  createddate: "created",
};

function tokenize(jql: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(?:("(?:[^"\\]|\\.)*")|('(?:[^'\\]|\\.)*')|(!=|>=|<=|[=<>(),])|([^\s=!<>(),"']+))/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  for (;;) {
    re.lastIndex = last;
    m = re.exec(jql);
    if (!m) break;
    last = re.lastIndex;
    tokens.push(m[0].trim());
  }
  if (jql.slice(last).trim() !== "")
    throw new JqlError(`Error in the JQL Query: cannot read '${jql.slice(last)}'.`);
  return tokens;
}

const unquote = (t: string) =>
  (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))
    ? t.slice(1, -1).replace(/\\(.)/g, "$1")
    : t;

export function parseJql(jql: string): Jql {
  const tokens = tokenize(jql);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (t === undefined) throw new JqlError("Error in the JQL Query: the query ends too early.");
    return t;
  };
  const isWord = (t: string | undefined, word: string) => t !== undefined && t.toLowerCase() === word;

  const clauses: Clause[] = [];
  const orderBy: OrderBy[] = [];
  while (i < tokens.length && !isWord(peek(), "order")) {
    if (clauses.length > 0) {
      const joiner = next();
      if (!isWord(joiner, "and")) {
        throw new JqlError(
          `Error in the JQL Query: the sandbox supports only AND between clauses, not '${joiner}'.`,
        );
      }
    }
    const name = unquote(next()).toLowerCase();
    const field = FIELD_ALIASES[name];
    if (!field)
      throw new JqlError(`Field '${name}' does not exist or you do not have permission to view it.`);
    let op = next().toLowerCase() as Op;
    if (op === ("not" as Op)) {
      if (!isWord(next(), "in")) throw new JqlError("Error in the JQL Query: expected 'in' after 'not'.");
      op = "not in";
    }
    if (!["=", "!=", ">", ">=", "<", "<=", "in", "not in"].includes(op)) {
      throw new JqlError(
        `Error in the JQL Query: the operator '${op}' is not supported for field '${name}'.`,
      );
    }
    const values: string[] = [];
    if (op === "in" || op === "not in") {
      if (next() !== "(") throw new JqlError("Error in the JQL Query: expected '(' after 'in'.");
      for (;;) {
        values.push(unquote(next()));
        const sep = next();
        if (sep === ")") break;
        if (sep !== ",") throw new JqlError("Error in the JQL Query: expected ',' or ')'.");
      }
    } else {
      values.push(unquote(next()));
    }
    clauses.push({ field, op, values });
  }
  if (i < tokens.length) {
    next();
    if (!isWord(next(), "by")) throw new JqlError("Error in the JQL Query: expected 'by' after 'order'.");
    for (;;) {
      const name = unquote(next()).toLowerCase();
      const field = FIELD_ALIASES[name];
      if (field !== "updated" && field !== "created" && field !== "key") {
        throw new JqlError(`Error in the JQL Query: the sandbox cannot order by '${name}'.`);
      }
      let desc = false;
      if (isWord(peek(), "asc") || isWord(peek(), "desc")) desc = next().toLowerCase() === "desc";
      orderBy.push({ field, desc });
      if (i >= tokens.length) break;
      if (next() !== ",") throw new JqlError("Error in the JQL Query: expected ',' between ORDER BY fields.");
    }
    if (orderBy.length > 7) throw new JqlError("The ORDER BY clause can contain a maximum of 7 fields.");
  }
  return { clauses, orderBy };
}

/** `PROJ-12` → ["PROJ", 12], for comparing keys as Jira does (project, then number). */
function splitKey(key: string): [string, number] {
  const dash = key.lastIndexOf("-");
  return [key.slice(0, dash).toUpperCase(), Number(key.slice(dash + 1))];
}

export function compareKeys(a: string, b: string): number {
  const [pa, na] = splitKey(a);
  const [pb, nb] = splitKey(b);
  return pa < pb ? -1 : pa > pb ? 1 : na - nb;
}

function dateValue(value: string, zone: string): number {
  if (/^-?\d+$/.test(value)) return Number(value);
  const at = parseJqlDate(value, zone);
  if (at === null) {
    throw new JqlError(
      `Date value '${value}' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    );
  }
  return at;
}

/** The issues the query selects, in its order (ties broken by id so pages are stable). */
export function runJql(data: JiraDataset, query: Jql): SandboxIssue[] {
  for (const clause of query.clauses) {
    if (clause.field !== "project") continue;
    for (const value of clause.values) {
      const project = [...data.projects.values()].find(
        (p) => p.key === value.toUpperCase() || p.id === value,
      );
      if (!project || data.hiddenProjects.has(project.key)) {
        throw new JqlError(`The value '${value}' does not exist for the field 'project'.`);
      }
    }
  }
  const matches = (issue: SandboxIssue, clause: Clause): boolean => {
    let compare: (v: string) => number;
    switch (clause.field) {
      case "project": {
        const project = data.projects.get(issue.projectKey)!;
        const hit = clause.values.some((v) => v.toUpperCase() === project.key || v === project.id);
        return clause.op === "=" || clause.op === "in" ? hit : !hit;
      }
      case "key":
        compare = (v) => compareKeys(issue.key, v);
        break;
      case "id":
        compare = (v) => Number(issue.id) - Number(v);
        break;
      default: {
        const at = clause.field === "updated" ? issue.updated : issue.created;
        compare = (v) => at - dateValue(v, data.userTimeZone);
      }
    }
    switch (clause.op) {
      case "in":
        return clause.values.some((v) => compare(v) === 0);
      case "not in":
        return !clause.values.some((v) => compare(v) === 0);
      case "=":
        return compare(clause.values[0]!) === 0;
      case "!=":
        return compare(clause.values[0]!) !== 0;
      case ">":
        return compare(clause.values[0]!) > 0;
      case ">=":
        return compare(clause.values[0]!) >= 0;
      case "<":
        return compare(clause.values[0]!) < 0;
      default:
        return compare(clause.values[0]!) <= 0;
    }
  };
  const selected = [...data.issues.values()].filter(
    (issue) => !data.hiddenIssues.has(issue.key) && query.clauses.every((c) => matches(issue, c)),
  );
  const order = query.orderBy.length > 0 ? query.orderBy : [{ field: "key" as const, desc: true }];
  return selected.sort((a, b) => compareIssues(a, b, order));
}

type Sortable = Pick<SandboxIssue, "id" | "key" | "updated" | "created">;

export function compareIssues(a: Sortable, b: Sortable, order: readonly OrderBy[]): number {
  for (const { field, desc } of order) {
    const d =
      field === "key"
        ? compareKeys(a.key, b.key)
        : field === "updated"
          ? a.updated - b.updated
          : a.created - b.created;
    if (d !== 0) return desc ? -d : d;
  }
  return Number(a.id) - Number(b.id);
}
