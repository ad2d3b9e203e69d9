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
 * then read `concurrency` at a time (without a count, one after another until a page is not full) (a handful: GitHub allows about 100 concurrent requests in all).
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
  const later =
    typeof first.total_count === "number"
      ? await mapLimit(
          pagesAfterFirst(first.total_count),
          concurrency,
          async (n) => (await page(n)).repositories,
        )
      : await untilShortPage(first.repositories.length, page);
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

/** Pages 2..N of a listing of `total` repositories. */
function pagesAfterFirst(total: number): number[] {
  const pages = Math.ceil(total / PER_PAGE);
  return Array.from({ length: Math.max(0, pages - 1) }, (_, index) => index + 2);
}

/** Without a count: page after page until one is not full (how Octokit's paginate ends on no Link). */
async function untilShortPage<T>(
  firstLength: number,
  page: (number: number) => Promise<{ repositories: T[] }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  for (let number = 2, last = firstLength; last === PER_PAGE; number++) {
    const { repositories } = await page(number);
    pages.push(repositories);
    last = repositories.length;
  }
  return pages;
}
