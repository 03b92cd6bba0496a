/**
 * One `POST /graphql` body, answered as GitHub answers it: the reference implementation (`graphql`) parses,
 * validates and runs the query against GitHub's public schema, so that what the sandbox accepts and refuses is
 * what GitHub's schema does; GitHub's own limits and point cost come on top (`query-limits.ts`). Every answer
 * is `{data?, errors?}` with status 200, GitHub's way for a refused query as for a failed field.
 */
import {
  type DocumentNode,
  executeSync,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  getOperationAST,
  getVariableValues,
  Kind,
  parse,
  validate,
} from "graphql";
import { GithubFieldError } from "./field-error.ts";
import { evaluateQueryLimits, type GithubLimitError } from "./query-limits.ts";
import { GITHUB_RESOLVERS, type GithubGraphqlContext } from "./resolvers.ts";
import { loadGithubSchema } from "./schema.ts";

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** The spec's error, with GitHub's `type` beside it for the errors GitHub gives one. */
export type GithubGraphqlError = GraphQLFormattedError & { type?: string };

export interface GraphqlResponse {
  data?: Record<string, unknown> | null;
  errors?: GithubGraphqlError[];
}

/** Validated documents by query text: clients send the same few queries over and over. */
const documents = new Map<string, DocumentNode | GithubGraphqlError[]>();
const DOCUMENT_CACHE_SIZE = 64;

/** GitHub puts a resolver's error code at the error's top (`type`), not under `extensions`. */
function toGithubError(error: GraphQLError): GithubGraphqlError {
  const original = error.originalError;
  if (original instanceof GithubFieldError) {
    return { type: original.type, path: error.path, locations: error.locations, message: error.message };
  }
  return error.toJSON();
}

function parseAndValidate(query: string): DocumentNode | GithubGraphqlError[] {
  const cached = documents.get(query);
  if (cached) return cached;
  let result: DocumentNode | GithubGraphqlError[];
  try {
    const document = parse(query);
    const errors = validate(loadGithubSchema(), document);
    result = errors.length > 0 ? errors.map(toGithubError) : document;
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    result = [toGithubError(err)];
  }
  if (documents.size >= DOCUMENT_CACHE_SIZE) documents.clear();
  documents.set(query, result);
  return result;
}

const resolveField: GraphQLFieldResolver<unknown, GithubGraphqlContext> = (source, args, ctx, info) => {
  const resolver = GITHUB_RESOLVERS[info.parentType.name]?.[info.fieldName];
  if (resolver) return resolver(source, args, ctx);
  if (typeof source === "object" && source !== null && Object.hasOwn(source, info.fieldName)) {
    return (source as Record<string, unknown>)[info.fieldName];
  }
  throw new Error(
    `[sandbox] [github] ${info.parentType.name}.${info.fieldName} is in GitHub's schema, but the sandbox serves no value for it: add it to graphql/resolvers.ts`,
  );
};

/**
 * Answers `request` for the token in `ctx`. `charge` spends the query's points before it runs; an error it
 * returns refuses the query (GitHub's `RATE_LIMITED`).
 */
export function executeGithubGraphql(
  request: GraphqlRequest,
  ctx: GithubGraphqlContext,
  charge: (cost: number, nodeCount: number) => GithubLimitError | null,
): GraphqlResponse {
  if (typeof request.query !== "string" || request.query.trim() === "") {
    return { errors: [{ message: "A query attribute must be specified and must be a string." }] };
  }
  const document = parseAndValidate(request.query);
  if (Array.isArray(document)) return { errors: document };
  const schema = loadGithubSchema();
  const operationName = typeof request.operationName === "string" ? request.operationName : null;
  const variableValues =
    request.variables && typeof request.variables === "object"
      ? (request.variables as Record<string, unknown>)
      : {};
  const operation = getOperationAST(document, operationName);
  if (operation) {
    const variables = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues);
    if (variables.errors) return { errors: variables.errors.map(toGithubError) };
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const limits = evaluateQueryLimits(schema, operation, fragments, variables.coerced);
    if (!("cost" in limits)) return { errors: limits.errors };
    const refusal = charge(limits.cost, limits.nodeCount);
    if (refusal) return { errors: [refusal] };
  }
  // Without a single operation to run, graphql-js answers why (no such name, or a name needed).
  const result = executeSync({
    schema,
    document,
    operationName,
    variableValues,
    contextValue: ctx,
    rootValue: {},
    fieldResolver: resolveField,
  });
  const response: GraphqlResponse = {};
  if (result.data !== undefined) response.data = result.data as Record<string, unknown> | null;
  if (result.errors) response.errors = result.errors.map(toGithubError);
  return response;
}
