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
