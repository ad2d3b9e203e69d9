import type { IncomingMessage } from "node:http";
import {
  execute,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type OperationDefinitionNode,
} from "graphql";
import { AuthError, identify, type Caller } from "../auth.js";
import type { TwinCore } from "../twin-core.js";
import type { RestResponse } from "../rest/handler.js";
import { admitContentCreating, errorBody } from "../rest/serve-rest.js";
import { raceWriters } from "../race.js";
import { githubSchema } from "./schema.js";
import { nodeLimitError, possibleNodes } from "./node-limit.js";
import { mutations, queries } from "./mutations.js";
import type { GraphqlContext } from "./nodes.js";

/** `graphql mutation createCommitOnBranch`, `graphql query repository`: how the twin counts GraphQL calls. */
export function graphqlRouteName(operation: OperationDefinitionNode): string {
  // Each root field once: a query asking 40 repositories is `graphql query repository`.
  const fields = [
    ...new Set(
      operation.selectionSet.selections.map((selection) =>
        selection.kind === Kind.FIELD ? selection.name.value : "...",
      ),
    ),
  ].join(",");
  return `graphql ${operation.operation} ${fields}`;
}

const fieldResolver: GraphQLFieldResolver<unknown, GraphqlContext> = (source, args, ctx, info) => {
  if (source !== null && typeof source === "object" && info.fieldName in source) {
    const value = (source as Record<string, unknown>)[info.fieldName];
    return typeof value === "function"
      ? (value as (a: unknown, c: unknown, i: unknown) => unknown).call(source, args, ctx, info)
      : value;
  }
  const served = `${info.parentType.name}.${info.fieldName}`;
  ctx.twin.violation(`the twin does not serve the GraphQL field ${served}`);
  throw new GraphQLError(`The GitHub twin does not serve the field ${served}`);
};

/** GitHub puts an error's `type` at the top level of the error object, not under `extensions`. */
function githubErrors(errors: readonly GraphQLError[]): Array<Record<string, unknown>> {
  return errors.map((error) => {
    const json = error.toJSON() as unknown as Record<string, unknown>;
    const type = error.extensions["type"];
    if (typeof type !== "string") return json;
    const rest = { ...json };
    delete rest["extensions"];
    return { type, ...rest };
  });
}

export async function serveGraphql(
  twin: TwinCore,
  request: IncomingMessage,
  rawBody: string,
): Promise<RestResponse> {
  let caller: Caller;
  try {
    caller = identify(twin.store, request.headers.authorization);
  } catch (error) {
    if (error instanceof AuthError) return errorBody(401, "Bad credentials");
    throw error;
  }
  if (caller.kind === "anonymous") {
    return errorBody(401, "This endpoint requires you to be authenticated.");
  }
  let body: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    body = JSON.parse(rawBody) as typeof body;
  } catch {
    return errorBody(400, "Problems parsing JSON");
  }
  if (typeof body.query !== "string")
    return {
      status: 200,
      body: { errors: [{ message: "A query attribute must be specified and must be a string." }] },
    };

  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    twin.violation(`GraphQL document does not parse: ${(error as Error).message}`);
    return { status: 200, body: { errors: [{ message: (error as Error).message }] } };
  }
  const schema = githubSchema();
  const problems = validate(schema, document);
  if (problems.length > 0) {
    twin.violation(
      `GraphQL document does not match GitHub's schema: ${problems.map((p) => p.message).join("; ")}`,
    );
    return { status: 200, body: { errors: githubErrors(problems) } };
  }
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (typeof body.operationName !== "string" || definition.name?.value === body.operationName),
  );
  if (!operation) return { status: 200, body: { errors: [{ message: "No operation found" }] } };
  const route = graphqlRouteName(operation);
  twin.counters.counted(route);
  const latency = twin.faults.latencyFor(route) || twin.faults.latencyFor("graphql");
  if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

  const failure =
    twin.faults.takeFailure(route) ??
    (route.startsWith("graphql ") ? twin.faults.takeFailure("graphql") : undefined);
  if (failure) {
    const response = failure.body
      ? { status: failure.status, body: failure.body }
      : errorBody(failure.status, "Server Error");
    return { ...response, headers: { ...failure.headers } };
  }
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  const tooMany = nodeLimitError(possibleNodes(operation, fragments, variables));
  if (tooMany) return { status: 200, body: { errors: [tooMany] } };
  if (operation.operation === "mutation") {
    const limited = admitContentCreating(twin, caller, route);
    if (limited) return limited;
  }
  await raceWriters(twin, route, undefined, undefined);

  const actor = caller.kind === "installation" ? caller.app.bot : caller.app.owner;
  const result = await execute({
    schema,
    document,
    rootValue: operation.operation === "mutation" ? mutations : queries,
    contextValue: { twin, caller, actor } satisfies GraphqlContext,
    variableValues: (body.variables ?? {}) as Record<string, unknown>,
    operationName: typeof body.operationName === "string" ? body.operationName : undefined,
    fieldResolver,
  });
  const response: Record<string, unknown> = {};
  if (result.data !== undefined) response["data"] = result.data;
  if (result.errors && result.errors.length > 0) {
    response["errors"] = githubErrors(result.errors);
    if (result.data === undefined) {
      twin.violation(
        `GraphQL variables do not match GitHub's schema: ${result.errors.map((e) => e.message).join("; ")}`,
      );
    }
    for (const error of result.errors) {
      if (error.originalError && !(error.originalError instanceof GraphQLError)) {
        twin.violation(`twin crashed in GraphQL ${route}: ${error.originalError.stack ?? error.message}`);
      }
    }
  }
  return { status: 200, body: response };
}
