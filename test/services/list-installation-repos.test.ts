// The installation's repositories, read page by page: with `total_count` the pages after the first are
// read a few at a time; without it (a proxy or GitHub Enterprise answer that leaves it out), page after
// page until one is not full, so no repository past the first page is dropped.
import type { Octokit } from "../../src/adapters/github/octokit.js";
import { listInstallationRepos, PER_PAGE } from "../../src/services/registry/list-installation-repos.js";

function fakeOctokit(total: number, withCount: boolean) {
  const repos = Array.from({ length: total }, (_, n) => ({
    name: `repo-${n}`,
    owner: { login: "acme" },
    private: n % 2 === 0,
    archived: n === 7,
  }));
  const pages: number[] = [];
  const octokit = {
    rest: {
      apps: {
        listReposAccessibleToInstallation: async ({ page = 1 }: { page?: number; per_page?: number }) => {
          pages.push(page);
          const repositories = repos.slice((page - 1) * PER_PAGE, page * PER_PAGE);
          return { data: withCount ? { total_count: total, repositories } : { repositories } };
        },
      },
    },
  } as unknown as Octokit;
  return { octokit, pages };
}

test.each([
  ["with total_count", true],
  ["without total_count", false],
])("%s: all 250 repositories of 3 pages are listed", async (_name, withCount) => {
  const { octokit, pages } = fakeOctokit(250, withCount);
  const listed = await listInstallationRepos(octokit, 4);
  expect(listed).toHaveLength(250);
  expect(listed[249]).toEqual({ owner: "acme", name: "repo-249", private: false, archived: false });
  expect(listed[7]?.archived).toBe(true);
  expect([...pages].sort()).toEqual([1, 2, 3]);
});

test("without total_count, a full last page is followed by one empty page and no more", async () => {
  const { octokit, pages } = fakeOctokit(200, false);
  expect(await listInstallationRepos(octokit, 4)).toHaveLength(200);
  expect(pages).toEqual([1, 2, 3]);
});
