import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { isOwnRestPull, type AppIdentity } from "./app-identity.js";

/** Branches of the app's pull requests (see `pullRequestBranch`). */
const PULL_PREFIX = "gitops-image-bot/";

/** One of the app's own open pull requests in a manifests repository. */
export interface OpenAppPull {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly headSha: string;
  readonly body: string;
}

/** Reads the app's open pull requests once, when first asked: a pass's dashboard and gates share it. */
export type OpenAppPulls = () => Promise<readonly OpenAppPull[]>;

/**
 * The app's own open pull requests of a repository (one request, the first 100): a fork's or a
 * person's pull request from a branch of the app's name is not the app's.
 */
export function openAppPulls(
  octokit: Octokit,
  repo: RepoId,
  identity: () => Promise<AppIdentity>,
): OpenAppPulls {
  let read: Promise<readonly OpenAppPull[]> | undefined;
  return () =>
    (read ??= (async () => {
      const { data } = await octokit.rest.pulls.list({
        owner: repo.owner,
        repo: repo.name,
        state: "open",
        per_page: 100,
      });
      const app = await identity();
      return data
        .filter((pull) => pull.head.ref.startsWith(PULL_PREFIX) && isOwnRestPull(pull, repo, app))
        .map((pull) => ({
          number: pull.number,
          url: pull.html_url,
          title: pull.title,
          headSha: pull.head.sha,
          body: pull.body ?? "",
        }))
        .sort((a, b) => a.number - b.number);
    })());
}
