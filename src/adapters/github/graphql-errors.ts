import type { Octokit } from "./octokit.js";

/** The `type` of each GraphQL error in a failed call (octokit's GraphqlResponseError carries `errors`). */
export function graphqlErrorTypes(error: unknown): string[] {
  if (typeof error !== "object" || error === null || !("errors" in error)) return [];
  const errors = (error as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((entry: unknown) =>
    typeof entry === "object" && entry !== null && typeof (entry as { type?: unknown }).type === "string"
      ? [(entry as { type: string }).type]
      : [],
  );
}

/**
 * A repository this installation cannot see answers NOT_FOUND and null: the rest of the answer stands,
 * unless one of the `required` root fields is among what was not found (then the error is thrown).
 */
export async function queryAllowingNotFound<T>(
  octokit: Octokit,
  query: string,
  variables: Record<string, string>,
  required: readonly string[] = [],
): Promise<Partial<T>> {
  try {
    return await octokit.graphql<T>(query, variables);
  } catch (error) {
    const types = graphqlErrorTypes(error);
    const data = (error as { data?: Partial<T> }).data;
    const missing = required.some((field) => (data as Record<string, unknown> | undefined)?.[field] == null);
    if (types.length > 0 && types.every((type) => type === "NOT_FOUND") && data && !missing) return data;
    throw error;
  }
}
