import type { Octokit, RepoId } from "./octokit.js";

const PER_QUERY = 100;

interface BlobsAnswer {
  repository: Record<string, { text: string | null; isBinary: boolean | null } | null> | null;
}

/** Texts of blobs by oid, 100 per GraphQL query; binary or missing blobs are left out. */
export async function readBlobs(
  octokit: Octokit,
  repo: RepoId,
  oids: readonly string[],
): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (let start = 0; start < oids.length; start += PER_QUERY) {
    const chunk = oids.slice(start, start + PER_QUERY);
    const variables: Record<string, string> = { owner: repo.owner, name: repo.name };
    const declarations = ["$owner: String!", "$name: String!"];
    const fields = chunk.map((oid, index) => {
      variables[`o${index}`] = oid;
      declarations.push(`$o${index}: GitObjectID!`);
      return `b${index}: object(oid: $o${index}) { ... on Blob { text isBinary } }`;
    });
    const answer = await octokit.graphql<BlobsAnswer>(
      `query(${declarations.join(", ")}) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`,
      variables,
    );
    chunk.forEach((oid, index) => {
      const blob = answer.repository?.[`b${index}`];
      if (blob && !blob.isBinary && blob.text !== null) texts.set(oid, blob.text);
    });
  }
  return texts;
}
