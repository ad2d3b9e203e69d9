import { GraphQLError } from "graphql";

/** An error GitHub reports with a top-level `type` (STALE_DATA, NOT_FOUND, UNPROCESSABLE, FORBIDDEN). */
export function typedError(type: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type } });
}

export function notFound(what: string): GraphQLError {
  return typedError("NOT_FOUND", `Could not resolve to ${what}.`);
}
