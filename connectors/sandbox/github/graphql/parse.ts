/**
 * A small parser for GraphQL executable documents (the October 2021 spec's query language: operations with
 * variables, fields with aliases and arguments, fragments, inline fragments, directives). Enough for the
 * sandbox to answer the queries a client really sends, and to refuse malformed ones the way GitHub does.
 */

export interface SourceLocation {
  line: number;
  column: number;
}

export type ValueNode =
  | { kind: "Variable"; name: string }
  | { kind: "Int"; value: number }
  | { kind: "Float"; value: number }
  | { kind: "String"; value: string }
  | { kind: "Boolean"; value: boolean }
  | { kind: "Null" }
  | { kind: "Enum"; value: string }
  | { kind: "List"; values: ValueNode[] }
  | { kind: "Object"; fields: Array<{ name: string; value: ValueNode }> };

export interface DirectiveNode {
  name: string;
  args: Map<string, ValueNode>;
}

export interface FieldNode {
  kind: "Field";
  alias: string | null;
  name: string;
  args: Map<string, ValueNode>;
  directives: DirectiveNode[];
  selections: SelectionNode[] | null;
  loc: SourceLocation;
}

export interface InlineFragmentNode {
  kind: "InlineFragment";
  typeCondition: string | null;
  directives: DirectiveNode[];
  selections: SelectionNode[];
  loc: SourceLocation;
}

export interface FragmentSpreadNode {
  kind: "FragmentSpread";
  name: string;
  directives: DirectiveNode[];
  loc: SourceLocation;
}

export type SelectionNode = FieldNode | InlineFragmentNode | FragmentSpreadNode;

export interface VariableDefinition {
  name: string;
  /** As written: `String!`, `[ID!]`. */
  type: string;
  defaultValue: ValueNode | null;
}

export interface OperationNode {
  operation: "query" | "mutation" | "subscription";
  name: string | null;
  variables: VariableDefinition[];
  directives: DirectiveNode[];
  selections: SelectionNode[];
  loc: SourceLocation;
}

export interface FragmentNode {
  name: string;
  typeCondition: string;
  selections: SelectionNode[];
}

export interface DocumentNode {
  operations: OperationNode[];
  fragments: Map<string, FragmentNode>;
}

/** A syntax error, with the position GitHub's answer names. */
export class GraphqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly loc: SourceLocation,
  ) {
    super(message);
  }
}

type TokenKind = "punct" | "name" | "int" | "float" | "string" | "eof";

interface Token {
  kind: TokenKind;
  value: string;
  loc: SourceLocation;
}

const PUNCT = new Set(["!", "$", "&", "(", ")", ":", "=", "@", "[", "]", "{", "|", "}"]);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const loc = (at: number): SourceLocation => ({ line, column: at - lineStart + 1 });
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "\n") {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "," || ch === "\ufeff") {
      i++;
      continue;
    }
    if (ch === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (ch === "." && source.startsWith("...", i)) {
      tokens.push({ kind: "punct", value: "...", loc: loc(i) });
      i += 3;
      continue;
    }
    if (PUNCT.has(ch)) {
      tokens.push({ kind: "punct", value: ch, loc: loc(i) });
      i++;
      continue;
    }
    if (/[_A-Za-z]/.test(ch)) {
      const start = i;
      while (i < source.length && /[_0-9A-Za-z]/.test(source[i]!)) i++;
      tokens.push({ kind: "name", value: source.slice(start, i), loc: loc(start) });
      continue;
    }
    if (ch === "-" || /[0-9]/.test(ch)) {
      const start = i;
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (!m) throw new GraphqlSyntaxError(`Parse error on "${ch}"`, loc(i));
      i += m[0].length;
      tokens.push({ kind: m[2] || m[3] ? "float" : "int", value: m[0], loc: loc(start) });
      continue;
    }
    if (ch === '"') {
      const start = i;
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        if (end < 0) throw new GraphqlSyntaxError("Unterminated block string", loc(i));
        const raw = source.slice(i + 3, end);
        for (const c of raw) if (c === "\n") line++;
        i = end + 3;
        tokens.push({ kind: "string", value: blockString(raw), loc: loc(start) });
        continue;
      }
      let value = "";
      i++;
      for (;;) {
        const c = source[i];
        if (c === undefined || c === "\n") throw new GraphqlSyntaxError("Unterminated string", loc(start));
        if (c === '"') {
          i++;
          break;
        }
        if (c === "\\") {
          const e = source[i + 1];
          const escapes: Record<string, string> = {
            '"': '"',
            "\\": "\\",
            "/": "/",
            b: "\b",
            f: "\f",
            n: "\n",
            r: "\r",
            t: "\t",
          };
          if (e === "u") {
            value += String.fromCharCode(Number.parseInt(source.slice(i + 2, i + 6), 16));
            i += 6;
          } else if (e !== undefined && escapes[e] !== undefined) {
            value += escapes[e];
            i += 2;
          } else throw new GraphqlSyntaxError("Bad escape in string", loc(i));
          continue;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: "string", value, loc: loc(start) });
      continue;
    }
    throw new GraphqlSyntaxError(`Parse error on "${ch}"`, loc(i));
  }
  tokens.push({ kind: "eof", value: "", loc: loc(i) });
  return tokens;
}

function blockString(raw: string): string {
  const lines = raw.replace(/\\"""/g, '"""').split(/\r\n|\n|\r/);
  let indent = Number.POSITIVE_INFINITY;
  for (const l of lines.slice(1)) {
    const m = /^[ \t]*/.exec(l)!;
    if (m[0].length < l.length) indent = Math.min(indent, m[0].length);
  }
  const out = lines.map((l, i) => (i === 0 || indent === Number.POSITIVE_INFINITY ? l : l.slice(indent)));
  while (out.length && out[0]!.trim() === "") out.shift();
  while (out.length && out[out.length - 1]!.trim() === "") out.pop();
  return out.join("\n");
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private is(value: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.value === value;
  }
  private expect(value: string): Token {
    const t = this.next();
    if (t.kind !== "punct" || t.value !== value) {
      throw new GraphqlSyntaxError(
        `Parse error on "${t.value || "end of file"}" (expected "${value}")`,
        t.loc,
      );
    }
    return t;
  }
  private name(): Token {
    const t = this.next();
    if (t.kind !== "name")
      throw new GraphqlSyntaxError(`Parse error on "${t.value || "end of file"}"`, t.loc);
    return t;
  }

  document(): DocumentNode {
    const doc: DocumentNode = { operations: [], fragments: new Map() };
    while (this.peek().kind !== "eof") {
      const t = this.peek();
      if (t.kind === "punct" && t.value === "{") {
        doc.operations.push({
          operation: "query",
          name: null,
          variables: [],
          directives: [],
          selections: this.selectionSet(),
          loc: t.loc,
        });
      } else if (
        t.kind === "name" &&
        (t.value === "query" || t.value === "mutation" || t.value === "subscription")
      ) {
        doc.operations.push(this.operation());
      } else if (t.kind === "name" && t.value === "fragment") {
        this.next();
        const name = this.name().value;
        const on = this.name();
        if (on.value !== "on") throw new GraphqlSyntaxError(`Parse error on "${on.value}"`, on.loc);
        const typeCondition = this.name().value;
        this.directives();
        doc.fragments.set(name, { name, typeCondition, selections: this.selectionSet() });
      } else {
        throw new GraphqlSyntaxError(`Parse error on "${t.value}"`, t.loc);
      }
    }
    return doc;
  }

  private operation(): OperationNode {
    const t = this.next();
    const op: OperationNode = {
      operation: t.value as OperationNode["operation"],
      name: null,
      variables: [],
      directives: [],
      selections: [],
      loc: t.loc,
    };
    if (this.peek().kind === "name") op.name = this.next().value;
    if (this.is("(")) {
      this.next();
      while (!this.is(")")) {
        this.expect("$");
        const name = this.name().value;
        this.expect(":");
        const type = this.typeRef();
        let defaultValue: ValueNode | null = null;
        if (this.is("=")) {
          this.next();
          defaultValue = this.value(true);
        }
        this.directives();
        op.variables.push({ name, type, defaultValue });
      }
      this.next();
    }
    op.directives = this.directives();
    op.selections = this.selectionSet();
    return op;
  }

  private typeRef(): string {
    let type: string;
    if (this.is("[")) {
      this.next();
      type = `[${this.typeRef()}]`;
      this.expect("]");
    } else type = this.name().value;
    if (this.is("!")) {
      this.next();
      type += "!";
    }
    return type;
  }

  private selectionSet(): SelectionNode[] {
    this.expect("{");
    const selections: SelectionNode[] = [];
    while (!this.is("}")) {
      if (this.peek().kind === "eof")
        throw new GraphqlSyntaxError("Parse error on end of file", this.peek().loc);
      selections.push(this.selection());
    }
    this.next();
    return selections;
  }

  private selection(): SelectionNode {
    if (this.is("...")) {
      const spread = this.next();
      const t = this.peek();
      if (t.kind === "name" && t.value === "on") {
        this.next();
        const typeCondition = this.name().value;
        const directives = this.directives();
        return {
          kind: "InlineFragment",
          typeCondition,
          directives,
          selections: this.selectionSet(),
          loc: spread.loc,
        };
      }
      if (this.is("{") || this.is("@")) {
        const directives = this.directives();
        return {
          kind: "InlineFragment",
          typeCondition: null,
          directives,
          selections: this.selectionSet(),
          loc: spread.loc,
        };
      }
      const name = this.name().value;
      return { kind: "FragmentSpread", name, directives: this.directives(), loc: spread.loc };
    }
    const first = this.name();
    let alias: string | null = null;
    let name = first.value;
    if (this.is(":")) {
      this.next();
      alias = first.value;
      name = this.name().value;
    }
    const args = this.arguments();
    const directives = this.directives();
    const selections = this.is("{") ? this.selectionSet() : null;
    return { kind: "Field", alias, name, args, directives, selections, loc: first.loc };
  }

  private arguments(): Map<string, ValueNode> {
    const args = new Map<string, ValueNode>();
    if (!this.is("(")) return args;
    this.next();
    while (!this.is(")")) {
      const name = this.name().value;
      this.expect(":");
      args.set(name, this.value(false));
    }
    this.next();
    return args;
  }

  private directives(): DirectiveNode[] {
    const list: DirectiveNode[] = [];
    while (this.is("@")) {
      this.next();
      list.push({ name: this.name().value, args: this.arguments() });
    }
    return list;
  }

  private value(constant: boolean): ValueNode {
    const t = this.next();
    if (t.kind === "punct" && t.value === "$" && !constant)
      return { kind: "Variable", name: this.name().value };
    if (t.kind === "int") return { kind: "Int", value: Number.parseInt(t.value, 10) };
    if (t.kind === "float") return { kind: "Float", value: Number.parseFloat(t.value) };
    if (t.kind === "string") return { kind: "String", value: t.value };
    if (t.kind === "name") {
      if (t.value === "true" || t.value === "false") return { kind: "Boolean", value: t.value === "true" };
      if (t.value === "null") return { kind: "Null" };
      return { kind: "Enum", value: t.value };
    }
    if (t.kind === "punct" && t.value === "[") {
      const values: ValueNode[] = [];
      while (!this.is("]")) values.push(this.value(constant));
      this.next();
      return { kind: "List", values };
    }
    if (t.kind === "punct" && t.value === "{") {
      const fields: Array<{ name: string; value: ValueNode }> = [];
      while (!this.is("}")) {
        const name = this.name().value;
        this.expect(":");
        fields.push({ name, value: this.value(constant) });
      }
      this.next();
      return { kind: "Object", fields };
    }
    throw new GraphqlSyntaxError(`Parse error on "${t.value || "end of file"}"`, t.loc);
  }
}

/** Parses a GraphQL document; throws `GraphqlSyntaxError`. */
export function parseGraphql(source: string): DocumentNode {
  return new Parser(tokenize(source)).document();
}
