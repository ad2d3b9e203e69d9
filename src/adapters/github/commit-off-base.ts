import type { FileWrite } from "./create-commit.js";
import type { Octokit, RepoId } from "./octokit.js";

/** The base a living pull request is built on: its branch head and that commit's tree. */
export interface PullBase {
  readonly branch: string;
  readonly headOid: string;
  readonly treeOid: string;
}

/**
 * One commit of `files` whose parent is the base head, written with the git data API (a tree on the
 * base's tree, then the commit) without moving any branch: a pull request's branch can then move to it
 * in one step and never point at a commit of its base, which GitHub would take as the PR merged.
 */
export async function commitOffBase(
  octokit: Octokit,
  repo: RepoId,
  base: PullBase,
  message: string,
  files: readonly FileWrite[],
): Promise<string> {
  const ref = { owner: repo.owner, repo: repo.name };
  const { data: tree } = await octokit.rest.git.createTree({
    ...ref,
    base_tree: base.treeOid,
    tree: files.map((file) => ({
      path: file.path,
      mode: "100644" as const,
      type: "blob" as const,
      content: file.text,
    })),
  });
  const { data: commit } = await octokit.rest.git.createCommit({
    ...ref,
    message,
    tree: tree.sha,
    parents: [base.headOid],
  });
  return commit.sha;
}
