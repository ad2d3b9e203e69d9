import { graphqlErrorTypes } from "./graphql-errors.js";
import type { Octokit, RepoId } from "./octokit.js";

export interface FileWrite {
  readonly path: string;
  readonly text: string;
}

export type CommitResult =
  | { readonly ok: true; readonly oid: string; readonly url: string; readonly treeOid: string }
  /** The branch moved since `expectedHeadOid` was read: re-read, re-plan, retry. */
  | { readonly ok: false; readonly stale: true };

interface CommitAnswer {
  createCommitOnBranch: { commit: { oid: string; url: string; tree: { oid: string } } | null } | null;
}

const MUTATION = `mutation($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid url tree { oid } } }
}`;

/** One signed commit of every file, guarded by `expectedHeadOid` (GitHub answers STALE_DATA when it moved). */
export async function createCommit(
  octokit: Octokit,
  repo: RepoId,
  branch: string,
  expectedHeadOid: string,
  message: { readonly headline: string; readonly body: string },
  files: readonly FileWrite[],
): Promise<CommitResult> {
  try {
    const answer = await octokit.graphql<CommitAnswer>(MUTATION, {
      input: {
        branch: { repositoryNameWithOwner: `${repo.owner}/${repo.name}`, branchName: branch },
        expectedHeadOid,
        message,
        fileChanges: {
          additions: files.map((file) => ({
            path: file.path,
            contents: Buffer.from(file.text).toString("base64"),
          })),
        },
      },
    });
    const commit = answer.createCommitOnBranch?.commit;
    if (!commit)
      throw new Error(`${repo.owner}/${repo.name}@${branch}: createCommitOnBranch answered without a commit`);
    return { ok: true, oid: commit.oid, url: commit.url, treeOid: commit.tree.oid };
  } catch (error) {
    if (graphqlErrorTypes(error).includes("STALE_DATA")) return { ok: false, stale: true };
    throw error;
  }
}
