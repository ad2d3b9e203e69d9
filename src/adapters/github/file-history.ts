import type { Octokit, RepoId } from "./octokit.js";

interface HistoryAnswer {
  repository: {
    ref: {
      target: {
        history?: {
          nodes: { oid: string; file: { object: { text: string | null } | null } | null }[];
        };
      };
    } | null;
  } | null;
}

/**
 * The texts a file had in the last `depth` commits that changed it on `branch`, newest first, in one
 * GraphQL query (`Commit.history(path:)` with each commit's `file`): what `/rollback` goes back through.
 */
export async function fileHistory(
  octokit: Octokit,
  repo: RepoId,
  branch: string,
  path: string,
  depth: number,
): Promise<{ oid: string; text: string }[]> {
  const answer = await octokit.graphql<HistoryAnswer>(
    `query($owner: String!, $name: String!, $ref: String!, $path: String!, $first: Int!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) { target { ... on Commit {
      history(first: $first, path: $path) { nodes { oid file(path: $path) { object { ... on Blob { text } } } } }
    } } }
  }
}`,
    { owner: repo.owner, name: repo.name, ref: `refs/heads/${branch}`, path, first: depth },
  );
  return (answer.repository?.ref?.target.history?.nodes ?? []).flatMap((node) => {
    const text = node.file?.object?.text;
    return typeof text === "string" ? [{ oid: node.oid, text }] : [];
  });
}
