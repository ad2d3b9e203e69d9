import type { Octokit, RepoId } from "../../adapters/github/octokit.js";
import { mapLimit } from "../map-limit.js";

/** A repository the installation may read, as the listing gives it. */
export interface ListedRepo extends RepoId {
  readonly private: boolean;
  readonly archived: boolean;
}

/** GitHub's largest page of `GET /installation/repositories`. */
export const PER_PAGE = 100;

/**
 * Every repository of the installation: page 1 tells how many there are (`total_count`), pages 2..N are
 * then read `concurrency` at a time (a handful: GitHub allows about 100 concurrent requests in all).
 * Any page that fails fails the listing (a registry built on part of the list would miss repositories).
 * A repository seen twice (the list moved between pages) is kept once.
 */
export async function listInstallationRepos(octokit: Octokit, concurrency: number): Promise<ListedRepo[]> {
  const page = async (number: number) => {
    const { data } = await octokit.rest.apps.listReposAccessibleToInstallation({
      per_page: PER_PAGE,
      page: number,
    });
    return data;
  };
  const first = await page(1);
  const pages = Math.ceil(first.total_count / PER_PAGE);
  const rest = Array.from({ length: Math.max(0, pages - 1) }, (_, index) => index + 2);
  const later = await mapLimit(rest, concurrency, async (number) => (await page(number)).repositories);
  const seen = new Set<string>();
  const listed: ListedRepo[] = [];
  for (const repo of [first.repositories, ...later].flat()) {
    const key = `${repo.owner.login}/${repo.name}`.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    listed.push({
      owner: repo.owner.login,
      name: repo.name,
      private: repo.private,
      archived: repo.archived === true,
    });
  }
  return listed;
}
