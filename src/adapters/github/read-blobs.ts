import { MAX_MANIFEST_BYTES } from "../../core/index.js";
import type { Octokit, RepoId } from "./octokit.js";

const PER_QUERY = 100;

interface BlobsAnswer {
  repository: Record<
    string,
    { text: string | null; isBinary: boolean | null; byteSize: number; isTruncated: boolean } | null
  > | null;
}

/** Blob texts by oid, and the blobs left unread for their size (oid -> bytes). */
export interface BlobTexts {
  readonly texts: Map<string, string>;
  readonly tooLarge: Map<string, number>;
}

/**
 * Texts of blobs by oid, 100 per GraphQL query; binary or missing blobs are left out, and so are blobs
 * over `maxBytes` or cut short by GitHub (`isTruncated`: GitHub returns at most 512,000 bytes of a
 * blob's text), which come back in `tooLarge` with their size.
 */
export async function readBlobTexts(
  octokit: Octokit,
  repo: RepoId,
  oids: readonly string[],
  maxBytes: number = MAX_MANIFEST_BYTES,
): Promise<BlobTexts> {
  const texts = new Map<string, string>();
  const tooLarge = new Map<string, number>();
  for (let start = 0; start < oids.length; start += PER_QUERY) {
    const chunk = oids.slice(start, start + PER_QUERY);
    const variables: Record<string, string> = { owner: repo.owner, name: repo.name };
    const declarations = ["$owner: String!", "$name: String!"];
    const fields = chunk.map((oid, index) => {
      variables[`o${index}`] = oid;
      declarations.push(`$o${index}: GitObjectID!`);
      return `b${index}: object(oid: $o${index}) { ... on Blob { byteSize isTruncated isBinary text } }`;
    });
    const answer = await octokit.graphql<BlobsAnswer>(
      `query(${declarations.join(", ")}) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`,
      variables,
    );
    chunk.forEach((oid, index) => {
      const blob = answer.repository?.[`b${index}`];
      if (!blob || blob.isBinary) return;
      if (blob.byteSize > maxBytes || blob.isTruncated) tooLarge.set(oid, blob.byteSize);
      else if (blob.text !== null) texts.set(oid, blob.text);
    });
  }
  return { texts, tooLarge };
}

/** Texts of blobs by oid, within the size limit (see `readBlobTexts`). */
export async function readBlobs(
  octokit: Octokit,
  repo: RepoId,
  oids: readonly string[],
): Promise<Map<string, string>> {
  return (await readBlobTexts(octokit, repo, oids)).texts;
}
