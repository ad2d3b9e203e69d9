import type { Octokit, RepoId } from "./octokit.js";

export interface TreeBlob {
  readonly path: string;
  readonly oid: string;
  /** Its size in bytes, as the tree listing gives it (read before any text, to refuse large files unread). */
  readonly size: number | undefined;
}

/** Every blob of a tree, in one request (`GET /git/trees/{sha}?recursive=1`). */
export async function listTree(octokit: Octokit, repo: RepoId, treeOid: string): Promise<TreeBlob[]> {
  const { data } = await octokit.rest.git.getTree({
    owner: repo.owner,
    repo: repo.name,
    tree_sha: treeOid,
    recursive: "1",
  });
  if (data.truncated)
    throw new Error(
      `${repo.owner}/${repo.name}: the tree ${treeOid} has more entries than GitHub lists in one answer (100,000); ` +
        "split the manifests repository or narrow it",
    );
  return data.tree.flatMap((entry) =>
    entry.type === "blob" && entry.path !== undefined && entry.sha !== undefined
      ? [{ path: entry.path, oid: entry.sha, size: entry.size }]
      : [],
  );
}
