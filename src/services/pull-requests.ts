import type { MergeMethod } from "../config/index.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { commitOffBase, type PullBase } from "../adapters/github/commit-off-base.js";
import { graphqlErrorTypes } from "../adapters/github/graphql-errors.js";
import { statusOf } from "../adapters/github/compare-commits.js";
import type { PullRequestChange } from "../core/plan/plan-batch.js";
import {
  pullRequestBranch,
  pullRequestCommitMessage,
  pullRequestText,
} from "../core/render/pull-request-text.js";
import type { Logger } from "./deployer.js";
import type { Pacer } from "./pacer.js";
import { fitText, GITHUB_LIMITS } from "../core/render/fit-github.js";
import { isOwnGraphqlPull, type AppIdentity, type GraphqlPullOwner } from "./app-identity.js";
import type { GateRule } from "../core/feedback/gate.js";

export interface OpenPull {
  readonly number: number;
  readonly id: string;
  readonly url: string;
  readonly headOid: string;
  readonly texts: ReadonlyMap<string, string>;
  /** Whether GitHub's auto-merge is enabled for it (the app enables it once a gate passed). */
  readonly autoMerge?: boolean;
}

interface PullNode extends GraphqlPullOwner {
  number: number;
  id: string;
  url: string;
  headRefOid: string;
  autoMergeRequest: { enabledAt: string | null } | null;
}

interface PullPage {
  nodes: PullNode[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface PullAnswer {
  repository: {
    pullRequests: PullPage;
    ref: { target: Record<string, { object: { text: string | null } | null } | null> } | null;
  } | null;
}

const PULL_FIELDS = `nodes { number id url headRefOid autoMergeRequest { enabledAt } headRepository { nameWithOwner } author { __typename login } }
  pageInfo { hasNextPage endCursor }`;

/** What is open on one of the app's branches. */
export interface BranchPulls {
  /** The app's own pull request (its branch in the repository, opened by the app). */
  readonly own: OpenPull | undefined;
  /**
   * A pull request someone else opened from the app's branch of the repository itself: GitHub keeps one
   * open pull request per branch, so the app cannot open its own. (Forks' pull requests whose branch
   * has the same name are neither: they are ignored.)
   */
  readonly takenBy: { readonly number: number; readonly login: string } | undefined;
}

/**
 * The open pull requests on a bot branch, with the texts of `paths` on the branch's head (one GraphQL
 * read, more only past 100 pull requests of that branch name). `pullRequests(headRefName:)` matches
 * forks' pull requests from a branch of the same name too: only the app's own is used.
 */
export async function readOpenPull(
  octokit: Octokit,
  repo: RepoId,
  branch: string,
  paths: readonly string[],
  app: AppIdentity,
): Promise<BranchPulls> {
  const variables: Record<string, string> = {
    owner: repo.owner,
    name: repo.name,
    branch,
    qualified: `refs/heads/${branch}`,
  };
  const declarations = ["$owner: String!", "$name: String!", "$branch: String!", "$qualified: String!"];
  const files = paths.map((path, index) => {
    variables[`p${index}`] = path;
    declarations.push(`$p${index}: String!`);
    return `f${index}: file(path: $p${index}) { object { ... on Blob { text } } }`;
  });
  const answer = await octokit.graphql<PullAnswer>(
    `query(${declarations.join(", ")}) { repository(owner: $owner, name: $name) {
      pullRequests(headRefName: $branch, states: OPEN, first: 100) { ${PULL_FIELDS} }
      ref(qualifiedName: $qualified) { target { ... on Commit { oid ${files.join(" ")} } } }
    } }`,
    variables,
  );
  const pulls = answer.repository
    ? await allPulls(octokit, repo, branch, answer.repository.pullRequests)
    : [];
  const pull = pulls.find((node) => isOwnGraphqlPull(node, repo, app));
  const taken = pulls.find(
    (node) =>
      node.headRepository?.nameWithOwner.toLowerCase() === `${repo.owner}/${repo.name}`.toLowerCase() &&
      !isOwnGraphqlPull(node, repo, app),
  );
  const takenBy =
    taken && !pull ? { number: taken.number, login: taken.author?.login ?? "ghost" } : undefined;
  if (!pull) return { own: undefined, takenBy };
  const texts = new Map<string, string>();
  paths.forEach((path, index) => {
    const text = answer.repository?.ref?.target[`f${index}`]?.object?.text;
    if (typeof text === "string") texts.set(path, text);
  });
  return {
    own: {
      number: pull.number,
      id: pull.id,
      url: pull.url,
      headOid: pull.headRefOid,
      texts,
      autoMerge: pull.autoMergeRequest !== null,
    },
    takenBy: undefined,
  };
}

/** The first page, and the next ones while there are more (forks may open any number). */
async function allPulls(
  octokit: Octokit,
  repo: RepoId,
  branch: string,
  first: PullPage,
): Promise<PullNode[]> {
  const nodes = [...first.nodes];
  let page = first.pageInfo;
  // At most 1,000 pull requests of one branch name: past that, the app's own is looked for no further.
  for (let pages = 1; page.hasNextPage && page.endCursor !== null && pages < 10; pages += 1) {
    const next = await octokit.graphql<{ repository: { pullRequests: PullPage } | null }>(
      `query($owner: String!, $name: String!, $branch: String!, $after: String!) {
        repository(owner: $owner, name: $name) {
          pullRequests(headRefName: $branch, states: OPEN, first: 100, after: $after) { ${PULL_FIELDS} }
        } }`,
      { owner: repo.owner, name: repo.name, branch, after: page.endCursor },
    );
    if (!next.repository) break;
    nodes.push(...next.repository.pullRequests.nodes);
    page = next.repository.pullRequests.pageInfo;
  }
  return nodes;
}

export interface PullLanding {
  readonly url: string;
  readonly number: number;
  /** What this call did to the pull request. */
  readonly action: "opened" | "updated" | "unchanged";
  /** True when the app merged it now: the change is on the base branch. */
  readonly merged: boolean;
  /** The pull request's head commit after this call. */
  readonly headOid: string;
}

/**
 * Upserts the living pull request of one (environment, image): its branch carries exactly one commit
 * with the change on top of the base head, so it never conflicts and always shows only this change.
 * In auto-merge mode, native auto-merge is enabled; when GitHub says the PR can merge now, it is merged;
 * behind a `gate` (`environments.<env>.after`) neither happens here: the gate does it once it passes.
 */
export async function upsertPullRequest(
  octokit: Octokit,
  pacer: Pacer,
  log: Logger,
  repo: RepoId,
  base: PullBase,
  change: PullRequestChange,
  mergeMethod: MergeMethod,
  open: OpenPull | undefined,
  gate?: GateRule,
): Promise<PullLanding> {
  const branch = pullRequestBranch(change.environment, change.image);
  const text = pullRequestText(change, gate);
  const message = pullRequestCommitMessage(change);
  const upToDate = open && change.writes.every((write) => open.texts.get(write.path) === write.text);
  let headOid = open?.headOid ?? base.headOid;
  if (!upToDate) {
    // Behind a gate, GitHub's auto-merge (enabled when an older build passed) must not take the new head.
    if (gate && open?.autoMerge) await disableAutoMerge(octokit, pacer, open.id);
    // Built off the base first, then the branch moves once: it never points at a commit of the base.
    await pacer.take(true); // the tree
    await pacer.take(true); // the commit
    headOid = await commitOffBase(
      octokit,
      repo,
      base,
      `${message.headline}\n\n${message.body}`,
      change.writes,
    );
    await pacer.take(true);
    await moveBranch(octokit, repo, branch, headOid, open !== undefined);
  }
  let pull: { number: number; url: string; id: string };
  if (open) {
    pull = open;
    if (!upToDate) {
      await pacer.take(true);
      await octokit.rest.pulls.update({
        owner: repo.owner,
        repo: repo.name,
        pull_number: open.number,
        title: text.title,
        body: text.body,
      });
    }
  } else {
    await pacer.take(true);
    const { data } = await octokit.rest.pulls.create({
      owner: repo.owner,
      repo: repo.name,
      head: branch,
      base: base.branch,
      title: text.title,
      body: text.body,
    });
    pull = { number: data.number, url: data.html_url, id: data.node_id };
  }
  const merged =
    change.mode === "auto-merge" && !upToDate && !gate
      ? await autoMerge(octokit, pacer, log, repo, pull, headOid, mergeMethod, message)
      : false;
  return {
    url: pull.url,
    number: pull.number,
    action: open ? (upToDate ? "unchanged" : "updated") : "opened",
    merged,
    headOid,
  };
}

async function moveBranch(
  octokit: Octokit,
  repo: RepoId,
  branch: string,
  sha: string,
  exists: boolean,
): Promise<void> {
  const ref = { owner: repo.owner, repo: repo.name };
  if (exists) {
    await octokit.rest.git.updateRef({ ...ref, ref: `heads/${branch}`, sha, force: true });
    return;
  }
  try {
    await octokit.rest.git.createRef({ ...ref, ref: `refs/heads/${branch}`, sha });
  } catch (error) {
    // A branch left by a closed pull request: reuse it.
    if (statusOf(error) !== 422) throw error;
    await octokit.rest.git.updateRef({ ...ref, ref: `heads/${branch}`, sha, force: true });
  }
}

async function disableAutoMerge(octokit: Octokit, pacer: Pacer, pullRequestId: string): Promise<void> {
  await pacer.take(true);
  await octokit.graphql(
    `mutation($id: ID!) { disablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId } }`,
    { id: pullRequestId },
  );
}

const MERGE_METHODS = { merge: "MERGE", squash: "SQUASH", rebase: "REBASE" } as const;

/**
 * Enables native auto-merge; when GitHub refuses it because the pull request could merge right now,
 * merges it at `headOid`. True when it merged.
 */
export async function autoMerge(
  octokit: Octokit,
  pacer: Pacer,
  log: Logger,
  repo: RepoId,
  pull: { number: number; id: string },
  headOid: string,
  mergeMethod: MergeMethod,
  commit: { headline: string; body: string },
): Promise<boolean> {
  try {
    await pacer.take(true);
    await octokit.graphql(
      `mutation($input: EnablePullRequestAutoMergeInput!) { enablePullRequestAutoMerge(input: $input) { clientMutationId } }`,
      {
        input: {
          pullRequestId: pull.id,
          mergeMethod: MERGE_METHODS[mergeMethod],
          expectedHeadOid: headOid,
          // The trailers survive a squash whatever the repository's default squash message is.
          ...(mergeMethod === "rebase"
            ? {}
            : { commitHeadline: `${commit.headline} (#${pull.number})`, commitBody: commit.body }),
        },
      },
    );
    return false;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // GitHub refuses auto-merge for a pull request that could merge right now: merge it directly.
    if (!(graphqlErrorTypes(error).includes("UNPROCESSABLE") && /clean status/i.test(message))) {
      log.warn(
        { repo: `${repo.owner}/${repo.name}`, pull: pull.number, err: error },
        "could not enable auto-merge; the pull request waits for a person",
      );
      return false;
    }
    try {
      await pacer.take(true);
      await octokit.rest.pulls.merge({
        owner: repo.owner,
        repo: repo.name,
        pull_number: pull.number,
        sha: headOid,
        merge_method: mergeMethod,
        ...(mergeMethod === "rebase"
          ? {}
          : { commit_title: `${commit.headline} (#${pull.number})`, commit_message: commit.body }),
        request: { retries: 0 },
      });
      return true;
    } catch (mergeError) {
      log.warn(
        { repo: `${repo.owner}/${repo.name}`, pull: pull.number, err: mergeError },
        "could not merge the pull request; it stays open",
      );
      return false;
    }
  }
}

/** A living pull request whose change reached the base another way: closed, with a comment saying so. */
export async function closeObsoletePull(
  octokit: Octokit,
  pacer: Pacer,
  repo: RepoId,
  open: OpenPull,
  why: string,
): Promise<void> {
  await pacer.take(true);
  await octokit.rest.issues.createComment({
    owner: repo.owner,
    repo: repo.name,
    issue_number: open.number,
    body: fitText(`Closing: ${why}.`, GITHUB_LIMITS.comment),
  });
  await pacer.take(true);
  await octokit.rest.pulls.update({
    owner: repo.owner,
    repo: repo.name,
    pull_number: open.number,
    state: "closed",
  });
}
