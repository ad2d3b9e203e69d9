import { queryAllowingNotFound } from "./graphql-errors.js";
import type { Octokit, RepoId } from "./octokit.js";

interface CommitAnswer {
  repository: {
    nameWithOwner: string;
    url: string;
    defaultBranchRef: { name: string } | null;
    object: { oid?: string; committedDate?: string } | null;
  } | null;
}

/** A source commit a tag names, with what its build needs of the repository. */
export type CommitLookup =
  | {
      readonly kind: "found";
      /** As GitHub spells it (`Acme/Web`). */
      readonly owner: string;
      readonly name: string;
      readonly htmlUrl: string;
      readonly defaultBranch: string;
      readonly oid: string;
      readonly committedAt: number | undefined;
    }
  /** The installation cannot see the repository (or it does not exist, or is empty). */
  | { readonly kind: "no-repository" }
  /** No single commit starts with the SHA (none, or several share the abbreviation). */
  | { readonly kind: "no-commit" };

/**
 * The full commit an abbreviated (or full) SHA names and the repository's default branch, in one
 * GraphQL query: `object(expression:)` takes an abbreviated SHA as rev-parse does and is null when it
 * names no single commit. A revision that is a ref (a branch called `1a2b3c4`) is not taken for a SHA.
 */
export async function commitByExpression(octokit: Octokit, repo: RepoId, sha: string): Promise<CommitLookup> {
  const answer = await queryAllowingNotFound<CommitAnswer>(
    octokit,
    `query($owner: String!, $name: String!, $sha: String!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner url defaultBranchRef { name }
    object(expression: $sha) { ... on Commit { oid committedDate } }
  }
}`,
    { owner: repo.owner, name: repo.name, sha },
  );
  const repository = answer.repository;
  if (!repository?.defaultBranchRef) return { kind: "no-repository" };
  const oid = repository.object?.oid?.toLowerCase();
  if (oid === undefined || !oid.startsWith(sha.toLowerCase())) return { kind: "no-commit" };
  const [owner = repo.owner, name = repo.name] = repository.nameWithOwner.split("/");
  const committedAt = Date.parse(repository.object?.committedDate ?? "");
  return {
    kind: "found",
    owner,
    name,
    htmlUrl: repository.url,
    defaultBranch: repository.defaultBranchRef.name,
    oid,
    committedAt: Number.isNaN(committedAt) ? undefined : committedAt,
  };
}
