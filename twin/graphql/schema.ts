import { schema } from "@octokit/graphql-schema";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

let cached: GraphQLSchema | undefined;

/** GitHub's published GraphQL schema (`@octokit/graphql-schema`), built once per process. */
export function githubSchema(): GraphQLSchema {
  if (!cached) {
    const json = schema.json as unknown as { data?: IntrospectionQuery } & IntrospectionQuery;
    cached = buildClientSchema(json.data ?? json);
  }
  return cached;
}
