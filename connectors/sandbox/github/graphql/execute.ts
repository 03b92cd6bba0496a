/**
 * Validates and executes a parsed GraphQL document against a schema of plain resolvers, answering as GitHub's
 * GraphQL API does: `{data, errors}` with GitHub's error messages, types and `extensions`, connection limits
 * (`first`/`last` required, at most 100), and the node count and point cost of its documented rate-limit
 * arithmetic (docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api).
 */
import {
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  GraphqlSyntaxError,
  type OperationNode,
  parseGraphql,
  type SelectionNode,
  type SourceLocation,
  type ValueNode,
} from "./parse.ts";

// biome-ignore lint/suspicious/noExplicitAny: resolvers receive the parent value their type resolved to.
export type Resolver<Ctx> = (parent: any, args: Record<string, unknown>, ctx: Ctx) => unknown;

export interface FieldDef<Ctx> {
  /** `String!`, `[Label]`, `PullRequestConnection!`. */
  type: string;
  /** Declared arguments and their types. */
  args?: Record<string, string>;
  /** A connection: GitHub requires `first` or `last` (1–100) on it, and counts its nodes. */
  connection?: boolean;
  resolve?: Resolver<Ctx>;
}

export type TypeDef<Ctx> =
  | { kind: "object"; fields: Record<string, FieldDef<Ctx>>; interfaces?: string[] }
  | { kind: "interface"; fields: Record<string, FieldDef<Ctx>>; possibleTypes: string[] }
  | { kind: "union"; possibleTypes: string[] }
  | { kind: "enum"; values: string[] }
  | { kind: "scalar" }
  | { kind: "input"; fields: Record<string, string> };

export type Schema<Ctx> = Record<string, TypeDef<Ctx>>;

export interface GraphqlError {
  message: string;
  type?: string;
  path?: Array<string | number>;
  locations?: SourceLocation[];
  extensions?: Record<string, unknown>;
}

export interface GraphqlResponse {
  data?: Record<string, unknown> | null;
  errors?: GraphqlError[];
}

/** A resolver's refusal, reported at its field (the field becomes null), e.g. GitHub's `NOT_FOUND`. */
export class GraphqlFieldError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

export interface ExecutionResult {
  response: GraphqlResponse;
  /** Points GitHub would charge: the connections' worst-case requests / 100, at least 1. */
  cost: number;
  nodeCount: number;
  /** Set when the document was refused before execution. */
  refused: boolean;
}

const NODE_LIMIT = 500_000;

function named(type: string): string {
  return type.replace(/[[\]!]/g, "");
}

interface Walk<Ctx> {
  schema: Schema<Ctx>;
  doc: DocumentNode;
  variables: Record<string, unknown>;
  errors: GraphqlError[];
  /** Worst-case requests per connection, and nodes. */
  requests: number;
  nodes: number;
}

function evaluateValue(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case "Variable":
      return variables[node.name] ?? null;
    case "Int":
    case "Float":
    case "String":
    case "Boolean":
      return node.value;
    case "Enum":
      return node.value;
    case "Null":
      return null;
    case "List":
      return node.values.map((v) => evaluateValue(v, variables));
    case "Object":
      return Object.fromEntries(node.fields.map((f) => [f.name, evaluateValue(f.value, variables)]));
  }
}

function included(directives: DirectiveNode[], variables: Record<string, unknown>): boolean {
  for (const d of directives) {
    const cond = d.args.get("if");
    const value = cond ? evaluateValue(cond, variables) : undefined;
    if (d.name === "skip" && value === true) return false;
    if (d.name === "include" && value === false) return false;
  }
  return true;
}

function fieldsOf<Ctx>(schema: Schema<Ctx>, typeName: string): Record<string, FieldDef<Ctx>> | null {
  const t = schema[typeName];
  if (t && (t.kind === "object" || t.kind === "interface")) return t.fields;
  return null;
}

/** Whether a value of runtime type `runtime` matches a fragment on `condition`. */
function matches<Ctx>(schema: Schema<Ctx>, runtime: string, condition: string | null): boolean {
  if (condition === null || condition === runtime) return true;
  const t = schema[condition];
  if (t && (t.kind === "interface" || t.kind === "union")) return t.possibleTypes.includes(runtime);
  return false;
}

function usedVariables(node: ValueNode, out: Set<string>): void {
  if (node.kind === "Variable") out.add(node.name);
  else if (node.kind === "List") for (const v of node.values) usedVariables(v, out);
  else if (node.kind === "Object") for (const f of node.fields) usedVariables(f.value, out);
}

/** Validates a selection set on `typeName`, counting connections; `multiplier` is how many parents it runs for. */
function validate<Ctx>(
  w: Walk<Ctx>,
  typeName: string,
  selections: SelectionNode[],
  path: string[],
  multiplier: number,
  declared: Set<string>,
): void {
  const type = w.schema[typeName];
  for (const sel of selections) {
    if (sel.kind === "FragmentSpread") {
      const fragment = w.doc.fragments.get(sel.name);
      if (!fragment) {
        w.errors.push({
          message: `Fragment ${sel.name} was used, but not defined`,
          locations: [sel.loc],
          path,
          extensions: { code: "useAndDefineFragment", fragmentName: sel.name },
        });
        continue;
      }
      if (!included(sel.directives, w.variables)) continue;
      validate(
        w,
        w.schema[fragment.typeCondition] ? fragment.typeCondition : typeName,
        fragment.selections,
        path,
        multiplier,
        declared,
      );
      continue;
    }
    if (sel.kind === "InlineFragment") {
      const condition = sel.typeCondition ?? typeName;
      if (!w.schema[condition]) {
        w.errors.push({
          message: `No such type ${condition}, so it can't be a fragment condition`,
          locations: [sel.loc],
          path,
          extensions: { code: "undefinedType", typeName: condition },
        });
        continue;
      }
      if (!included(sel.directives, w.variables)) continue;
      validate(w, condition, sel.selections, [...path, `... on ${condition}`], multiplier, declared);
      continue;
    }
    const responseName = sel.alias ?? sel.name;
    const fieldPath = [...path, responseName];
    for (const arg of sel.args.values()) {
      const used = new Set<string>();
      usedVariables(arg, used);
      for (const name of used) {
        if (!declared.has(name)) {
          w.errors.push({
            message: `Variable $${name} is used by anonymous query but not declared`,
            locations: [sel.loc],
            path: fieldPath,
            extensions: { code: "variableNotDefined", variableName: name },
          });
        }
      }
    }
    if (sel.name === "__typename") continue;
    const fields = fieldsOf(w.schema, typeName);
    const def = fields?.[sel.name];
    if (!type || !def) {
      const kind = type?.kind === "union" ? "union" : "type";
      w.errors.push({
        message:
          kind === "union"
            ? `Selections can't be made directly on unions (see selections on ${typeName})`
            : `Field '${sel.name}' doesn't exist on type '${typeName}'`,
        locations: [sel.loc],
        path: fieldPath,
        extensions: { code: "undefinedField", typeName, fieldName: sel.name },
      });
      continue;
    }
    for (const argName of sel.args.keys()) {
      if (!def.args || !(argName in def.args)) {
        w.errors.push({
          message: `Field '${sel.name}' doesn't accept argument '${argName}'`,
          locations: [sel.loc],
          path: fieldPath,
          extensions: {
            code: "argumentNotAccepted",
            name: sel.name,
            typeName: "Field",
            argumentName: argName,
          },
        });
      }
    }
    const target = named(def.type);
    const targetDef = w.schema[target];
    const leaf = !targetDef || targetDef.kind === "scalar" || targetDef.kind === "enum";
    if (leaf && sel.selections) {
      w.errors.push({
        message: `Selections can't be made on scalars (field '${sel.name}' returns ${target} but has selections [${sel.selections.map((s) => (s.kind === "Field" ? s.name : "...")).join(", ")}])`,
        locations: [sel.loc],
        path: fieldPath,
        extensions: { code: "selectionMismatch", nodeName: `field '${sel.name}'`, typeName: target },
      });
      continue;
    }
    if (!leaf && !sel.selections) {
      w.errors.push({
        message: `Field must have selections (field '${sel.name}' returns ${target} but has no selections. Did you mean '${sel.name} { ... }'?)`,
        locations: [sel.loc],
        path: fieldPath,
        extensions: { code: "selectionMismatch", nodeName: `field '${sel.name}'`, typeName: target },
      });
      continue;
    }
    if (!included(sel.directives, w.variables) || !sel.selections) continue;
    let childMultiplier = multiplier;
    if (def.connection) {
      const first = sel.args.get("first");
      const last = sel.args.get("last");
      const size =
        (first ? evaluateValue(first, w.variables) : null) ??
        (last ? evaluateValue(last, w.variables) : null);
      if (typeof size !== "number") {
        w.errors.push({
          type: "MISSING_PAGINATION_BOUNDARIES",
          message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${sel.name}\` connection.`,
          locations: [sel.loc],
          path: fieldPath,
        });
        continue;
      }
      if (size > 100 || size < 0) {
        const which = first ? "first" : "last";
        w.errors.push({
          type: "EXCESSIVE_PAGINATION",
          message: `Requesting ${size} records on the \`${sel.name}\` connection exceeds the \`${which}\` limit of 100 records.`,
          locations: [sel.loc],
          path: fieldPath,
        });
        continue;
      }
      w.requests += multiplier;
      childMultiplier = multiplier * size;
      w.nodes += childMultiplier;
    }
    validate(w, target, sel.selections, fieldPath, childMultiplier, declared);
  }
}

interface Exec<Ctx> {
  schema: Schema<Ctx>;
  doc: DocumentNode;
  variables: Record<string, unknown>;
  ctx: Ctx;
  errors: GraphqlError[];
}

function collectFields<Ctx>(
  e: Exec<Ctx>,
  runtimeType: string,
  selections: SelectionNode[],
  out: Map<string, FieldNode[]>,
): void {
  for (const sel of selections) {
    if (!included(sel.directives, e.variables)) continue;
    if (sel.kind === "Field") {
      const key = sel.alias ?? sel.name;
      const list = out.get(key) ?? [];
      list.push(sel);
      out.set(key, list);
    } else if (sel.kind === "InlineFragment") {
      if (matches(e.schema, runtimeType, sel.typeCondition))
        collectFields(e, runtimeType, sel.selections, out);
    } else {
      const fragment = e.doc.fragments.get(sel.name);
      if (fragment && matches(e.schema, runtimeType, fragment.typeCondition)) {
        collectFields(e, runtimeType, fragment.selections, out);
      }
    }
  }
}

function runtimeTypeOf<Ctx>(schema: Schema<Ctx>, declared: string, value: unknown): string {
  const def = schema[declared];
  if (def && (def.kind === "interface" || def.kind === "union")) {
    const name = (value as { __typename?: unknown }).__typename;
    if (typeof name === "string") return name;
    throw new Error(`[sandbox] [github] a ${declared} value has no __typename`);
  }
  return declared;
}

function completeValue<Ctx>(
  e: Exec<Ctx>,
  type: string,
  nodes: FieldNode[],
  value: unknown,
  path: Array<string | number>,
): unknown {
  if (value === null || value === undefined) return null;
  const inner = type.endsWith("!") ? type.slice(0, -1) : type;
  if (inner.startsWith("[")) {
    const item = inner.slice(1, -1);
    if (!Array.isArray(value)) throw new Error(`[sandbox] [github] ${path.join(".")} should be a list`);
    return value.map((v, i) => completeValue(e, item, nodes, v, [...path, i]));
  }
  const def = e.schema[inner];
  if (!def || def.kind === "scalar" || def.kind === "enum") return value;
  const runtime = runtimeTypeOf(e.schema, inner, value);
  const selections = nodes.flatMap((n) => n.selections ?? []);
  return executeSelections(e, runtime, value, selections, path);
}

function executeSelections<Ctx>(
  e: Exec<Ctx>,
  typeName: string,
  parent: unknown,
  selections: SelectionNode[],
  path: Array<string | number>,
): Record<string, unknown> {
  const grouped = new Map<string, FieldNode[]>();
  collectFields(e, typeName, selections, grouped);
  const result: Record<string, unknown> = {};
  const fields = fieldsOf(e.schema, typeName) ?? {};
  for (const [key, nodes] of grouped) {
    const node = nodes[0]!;
    if (node.name === "__typename") {
      result[key] = typeName;
      continue;
    }
    const def = fields[node.name];
    if (!def) {
      result[key] = null;
      continue;
    }
    const args: Record<string, unknown> = {};
    for (const [name, v] of node.args) args[name] = evaluateValue(v, e.variables);
    try {
      const raw = def.resolve
        ? def.resolve(parent, args, e.ctx)
        : (parent as Record<string, unknown>)[node.name];
      result[key] = completeValue(e, def.type, nodes, raw, [...path, key]);
    } catch (err) {
      if (!(err instanceof GraphqlFieldError)) throw err;
      result[key] = null;
      e.errors.push({ type: err.type, path: [...path, key], locations: [node.loc], message: err.message });
    }
  }
  return result;
}

function checkVariables(
  op: OperationNode,
  given: Record<string, unknown>,
): { values: Record<string, unknown>; errors: GraphqlError[] } {
  const values: Record<string, unknown> = {};
  const errors: GraphqlError[] = [];
  for (const v of op.variables) {
    let value = given[v.name];
    if (value === undefined && v.defaultValue) value = evaluateValue(v.defaultValue, {});
    if ((value === undefined || value === null) && v.type.endsWith("!")) {
      errors.push({
        message: `Variable $${v.name} of type ${v.type} was provided invalid value`,
        locations: [op.loc],
        extensions: {
          value: value ?? null,
          problems: [{ path: [], explanation: "Expected value to not be null" }],
        },
      });
      continue;
    }
    values[v.name] = value ?? null;
  }
  return { values, errors };
}

/** Parses, validates and runs one request's document. */
export function executeGraphql<Ctx>(
  schema: Schema<Ctx>,
  request: { query?: unknown; variables?: unknown; operationName?: unknown },
  ctx: Ctx,
  /** Charges the query's cost before it runs; an error refuses it (GitHub's `RATE_LIMITED`). */
  charge?: (cost: number, nodeCount: number) => GraphqlError | null,
): ExecutionResult {
  const refuse = (errors: GraphqlError[]): ExecutionResult => ({
    response: { errors },
    cost: 1,
    nodeCount: 0,
    refused: true,
  });
  if (typeof request.query !== "string" || request.query.trim() === "") {
    return refuse([{ message: "A query attribute must be specified and must be a string." }]);
  }
  let doc: DocumentNode;
  try {
    doc = parseGraphql(request.query);
  } catch (err) {
    if (!(err instanceof GraphqlSyntaxError)) throw err;
    return refuse([{ message: err.message, locations: [err.loc], extensions: { code: "parseError" } }]);
  }
  const name = typeof request.operationName === "string" ? request.operationName : null;
  const op = name
    ? doc.operations.find((o) => o.name === name)
    : doc.operations.length === 1
      ? doc.operations[0]
      : undefined;
  if (!op) {
    return refuse([
      {
        message: name
          ? `No operation named "${name}"`
          : "An operation name is required when the document holds more than one operation",
      },
    ]);
  }
  if (op.operation !== "query") {
    return refuse([{ message: `The sandbox answers queries only, not ${op.operation}s` }]);
  }
  const given =
    request.variables && typeof request.variables === "object"
      ? (request.variables as Record<string, unknown>)
      : {};
  const vars = checkVariables(op, given);
  if (vars.errors.length > 0) return refuse(vars.errors);

  const walk: Walk<Ctx> = { schema, doc, variables: vars.values, errors: [], requests: 0, nodes: 0 };
  validate(
    walk,
    "Query",
    op.selections,
    [`query${op.name ? ` ${op.name}` : ""}`],
    1,
    new Set(op.variables.map((v) => v.name)),
  );
  if (walk.errors.length > 0) return refuse(walk.errors);
  if (walk.nodes > NODE_LIMIT) {
    return refuse([
      {
        type: "MAX_NODE_LIMIT_EXCEEDED",
        message: `This query requests up to ${walk.nodes.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of 500,000.`,
      },
    ]);
  }
  const cost = Math.max(1, Math.round(walk.requests / 100));
  const refusal = charge?.(cost, walk.nodes) ?? null;
  if (refusal) return { response: { errors: [refusal] }, cost, nodeCount: walk.nodes, refused: true };
  const e: Exec<Ctx> = { schema, doc, variables: vars.values, ctx, errors: [] };
  const data = executeSelections(e, "Query", {}, op.selections, []);
  const response: GraphqlResponse = { data };
  if (e.errors.length > 0) response.errors = e.errors;
  return { response, cost, nodeCount: walk.nodes, refused: false };
}

/** A keyset cursor as GitHub shapes its v2 cursors (`cursor:v2:` and the sort key, base64). */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(`cursor:v2:${JSON.stringify(key)}`).toString("base64");
}

export function decodeCursor(cursor: string): Array<string | number> | null {
  const text = Buffer.from(cursor, "base64").toString("utf8");
  if (!text.startsWith("cursor:v2:")) return null;
  try {
    const key: unknown = JSON.parse(text.slice("cursor:v2:".length));
    return Array.isArray(key) ? (key as Array<string | number>) : null;
  } catch {
    return null;
  }
}

export interface Connection<T> {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  nodes: T[];
  edges: Array<{ cursor: string; node: T }>;
}

/**
 * A page of `items` (already in the connection's order) by `first`/`after` or `last`/`before`. Cursors hold
 * each item's sort key, so an item that moves between requests is neither repeated nor skipped by the key.
 */
export function paginate<T>(
  items: readonly T[],
  args: Record<string, unknown>,
  keyOf: (item: T) => Array<string | number>,
  compare: (a: Array<string | number>, b: Array<string | number>) => number,
): Connection<T> {
  let start = 0;
  let end = items.length;
  const after = typeof args.after === "string" ? args.after : null;
  const before = typeof args.before === "string" ? args.before : null;
  if (after) {
    const key = decodeCursor(after);
    if (!key)
      throw new GraphqlFieldError(
        `\`${after}\` does not appear to be a valid cursor.`,
        "INVALID_CURSOR_ARGUMENTS",
      );
    const i = items.findIndex((it) => compare(keyOf(it), key) > 0);
    start = i < 0 ? items.length : i;
  }
  if (before) {
    const key = decodeCursor(before);
    if (!key)
      throw new GraphqlFieldError(
        `\`${before}\` does not appear to be a valid cursor.`,
        "INVALID_CURSOR_ARGUMENTS",
      );
    const i = items.findIndex((it) => compare(keyOf(it), key) >= 0);
    end = i < 0 ? items.length : i;
  }
  let slice = items.slice(start, Math.max(start, end));
  let hasNextPage = end < items.length;
  let hasPreviousPage = start > 0;
  if (typeof args.first === "number") {
    hasNextPage = slice.length > args.first || hasNextPage;
    slice = slice.slice(0, args.first);
  }
  if (typeof args.last === "number") {
    hasPreviousPage = slice.length > args.last || hasPreviousPage;
    slice = slice.slice(Math.max(0, slice.length - args.last));
  }
  const edges = slice.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    nodes: slice,
    edges,
  };
}
