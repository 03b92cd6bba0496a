/**
 * GitHub's own limits on a query, checked after the schema's validation and before anything runs: `first` or
 * `last` on every connection, at most 100, at most 500,000 nodes in all; and the query's point cost (one
 * request per connection per parent, / 100, rounded, at least 1).
 * docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api
 */
import {
  type ASTNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLIncludeDirective,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

const NODE_LIMIT = 500_000;

/** An error as GitHub words its limits: a `type`, where in the query, and why. */
export interface GithubLimitError {
  type: string;
  message: string;
  locations?: Array<{ line: number; column: number }>;
  path?: string[];
}

export type QueryLimits = { errors: GithubLimitError[] } | { errors: []; cost: number; nodeCount: number };

const locationOf = (node: ASTNode) =>
  node.loc ? [{ line: node.loc.startToken.line, column: node.loc.startToken.column }] : undefined;

/** A connection, by GitHub's convention: a `…Connection` type paged by `first`/`last`. */
function isConnection(field: { args: ReadonlyArray<{ name: string }> }, typeName: string): boolean {
  return typeName.endsWith("Connection") && field.args.some((a) => a.name === "first");
}

export function evaluateQueryLimits(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryLimits {
  const errors: GithubLimitError[] = [];
  let requests = 0;
  let nodes = 0;
  const included = (node: FieldNode | SelectionSetNode["selections"][number]) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

  const walk = (
    parent: GraphQLCompositeType,
    selectionSet: SelectionSetNode,
    path: string[],
    multiplier: number,
  ): void => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === "FragmentSpread") {
        const fragment = fragments[selection.name.value];
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && isCompositeType(type)) walk(type, fragment.selectionSet, path, multiplier);
        continue;
      }
      if (selection.kind === "InlineFragment") {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isCompositeType(type))
          walk(type, selection.selectionSet, [...path, `... on ${type.name}`], multiplier);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith("__") || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = parent.getFields()[name];
      if (!field) continue;
      const fieldPath = [...path, selection.alias?.value ?? name];
      const target = getNamedType(field.type);
      let childMultiplier = multiplier;
      if (isConnection(field, target.name)) {
        const args = getArgumentValues(field, selection, variables);
        const which = typeof args.first === "number" ? "first" : "last";
        const size = args[which];
        if (typeof size !== "number") {
          errors.push({
            type: "MISSING_PAGINATION_BOUNDARIES",
            message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
            locations: locationOf(selection),
            path: fieldPath,
          });
          continue;
        }
        if (size > 100 || size < 0) {
          errors.push({
            type: "EXCESSIVE_PAGINATION",
            message: `Requesting ${size} records on the \`${name}\` connection exceeds the \`${which}\` limit of 100 records.`,
            locations: locationOf(selection),
            path: fieldPath,
          });
          continue;
        }
        requests += multiplier;
        childMultiplier = multiplier * size;
        nodes += childMultiplier;
      }
      if (selection.selectionSet && isCompositeType(target)) {
        walk(target, selection.selectionSet, fieldPath, childMultiplier);
      }
    }
  };

  const root = schema.getRootType(operation.operation);
  if (root)
    walk(
      root,
      operation.selectionSet,
      [`${operation.operation}${operation.name ? ` ${operation.name.value}` : ""}`],
      1,
    );
  if (errors.length > 0) return { errors };
  if (nodes > NODE_LIMIT) {
    return {
      errors: [
        {
          type: "MAX_NODE_LIMIT_EXCEEDED",
          message: `This query requests up to ${nodes.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of 500,000.`,
        },
      ],
    };
  }
  return { errors: [], cost: Math.max(1, Math.round(requests / 100)), nodeCount: nodes };
}
