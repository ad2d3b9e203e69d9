import type { Comparison } from "../../core/plan/verdict.js";
import type { Octokit, RepoId } from "./octokit.js";

/** GitHub's compare status of `base...head` (`ahead`: head descends from base), "unknown" on 404. */
export async function compareCommits(
  octokit: Octokit,
  repo: RepoId,
  base: string,
  head: string,
): Promise<Comparison> {
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: repo.owner,
      repo: repo.name,
      basehead: `${base}...${head}`,
      per_page: 1,
    });
    return data.status;
  } catch (error) {
    if (statusOf(error) === 404) return "unknown";
    throw error;
  }
}

export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  const status = (error as { status: unknown }).status;
  return typeof status === "number" ? status : undefined;
}
