import { CONFIG_PATHS, type ConfigFile } from "../../config/index.js";
import type { Octokit, RepoId } from "../../adapters/github/octokit.js";
import { mapLimit } from "../map-limit.js";

interface ConfigAnswer {
  [alias: string]: { [file: string]: { text: string | null } | null } | null;
}

/**
 * Repositories per probe query. No connection is asked, so GitHub's node limit (500,000) is far off;
 * 100 repositories with two `object` lookups each stay a small query.
 */
export const REPOS_PER_QUERY = 100;

/** One query: the config files (CONFIG_PATHS) at the default branch's head of each repository. */
async function probeChunk(octokit: Octokit, chunk: readonly RepoId[]): Promise<ConfigFile[][]> {
  const variables: Record<string, string> = {};
  const declarations: string[] = [];
  const objects = CONFIG_PATHS.map((path, i) => {
    variables[`e${i}`] = `HEAD:${path}`;
    declarations.push(`$e${i}: String!`);
    return `c${i}: object(expression: $e${i}) { ... on Blob { text } }`;
  }).join(" ");
  const fields = chunk.map((repo, index) => {
    variables[`o${index}`] = repo.owner;
    variables[`n${index}`] = repo.name;
    declarations.push(`$o${index}: String!`, `$n${index}: String!`);
    return `r${index}: repository(owner: $o${index}, name: $n${index}) { ${objects} }`;
  });
  const answer = await octokit.graphql<ConfigAnswer>(
    `query(${declarations.join(", ")}) { ${fields.join(" ")} }`,
    variables,
  );
  return chunk.map((_, index) =>
    CONFIG_PATHS.flatMap((path, i) => {
      const text = answer[`r${index}`]?.[`c${i}`]?.text;
      return typeof text === "string" ? [{ path, text }] : [];
    }),
  );
}

/**
 * The config files of each repository (in the order given; none found: an empty list), read in
 * queries of `REPOS_PER_QUERY` repositories, `concurrency` queries at a time. One failed query fails all.
 */
export async function probeConfigFiles(
  octokit: Octokit,
  repos: readonly RepoId[],
  concurrency: number,
): Promise<ConfigFile[][]> {
  const chunks: RepoId[][] = [];
  for (let start = 0; start < repos.length; start += REPOS_PER_QUERY)
    chunks.push(repos.slice(start, start + REPOS_PER_QUERY));
  const answers = await mapLimit(chunks, concurrency, (chunk) => probeChunk(octokit, chunk));
  return answers.flat();
}
