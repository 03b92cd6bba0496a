/**
 * GitHub's public GraphQL schema: api.github.com's `schema.graphql` as @octokit/graphql-schema publishes it,
 * built once per process on the first GraphQL request, because building its 1.2 MB of SDL takes 0.6–1 s.
 */
import { readFileSync } from "node:fs";
import { buildSchema, type GraphQLSchema } from "graphql";

let schema: GraphQLSchema | undefined;

/** The executable schema (resolvers are supplied at execution, see `resolvers.ts`). */
export function loadGithubSchema(): GraphQLSchema {
  if (!schema) {
    // The package exports only its index, which parses the 5 MB introspection JSON as it loads; the SDL lies beside it.
    const sdl = readFileSync(
      new URL("schema.graphql", import.meta.resolve("@octokit/graphql-schema")),
      "utf8",
    );
    schema = buildSchema(sdl, {
      // GitHub's SDL defines a few fields twice (EnterpriseOwnerInfo.repositoryDeployKeySetting…), which
      // graphql-js's SDL check refuses; GitHub serves it all the same, so the sandbox takes it as published.
      assumeValidSDL: true,
      assumeValid: true,
      // Errors point into the query, never into the schema.
      noLocation: true,
    });
  }
  return schema;
}
