import { closePull, createPull, findPull, mergePull, MergeRefused, type MergeMethod } from "../../pulls.js";
import {
  actor,
  HttpError,
  notFound,
  paginate,
  requireRepo,
  str,
  type RestHandlers,
  type RestRequest,
} from "../handler.js";
import { pullJson } from "../pull-json.js";
import { headSha } from "../../pull-state.js";
import { fileEntryJson } from "./repos.js";
import type { TwinCore } from "../../twin-core.js";
import { fullName } from "../../state.js";

function pullOf(request: RestRequest, twin: TwinCore) {
  const repo = requireRepo(request, twin);
  const view = findPull(repo, Number(request.params["pull_number"]));
  if (!view) throw notFound();
  return { repo, view };
}

function refused(error: unknown): never {
  if (error instanceof MergeRefused) {
    if (error.status === 422) {
      throw new HttpError(422, "Validation Failed", [
        { resource: "PullRequest", code: "custom", message: error.message },
      ]);
    }
    throw new HttpError(error.status, error.message);
  }
  throw error;
}

export const pullsHandlers: RestHandlers = {
  "pulls/create": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const title = str(request.body, "title");
    if (title === undefined)
      throw new HttpError(422, "Validation Failed", [
        { resource: "PullRequest", field: "title", code: "missing_field" },
      ]);
    const issue = await createPull(twin, repo, {
      title,
      body: str(request.body, "body") ?? null,
      head: str(request.body, "head") ?? "",
      base: str(request.body, "base") ?? "",
      draft: request.body["draft"] === true,
      user: actor(request, twin),
    }).catch(refused);
    const body = await pullJson(request.urls, repo, { issue, pull: issue.pull! });
    return { status: 201, body, headers: { location: String(body["url"]) } };
  },

  "pulls/list": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const state = request.query.get("state") ?? "open";
    const head = request.query.get("head");
    const base = request.query.get("base");
    const views = [...repo.issues.values()]
      .filter((issue) => issue.pull !== null)
      .filter((issue) => state === "all" || issue.state === state)
      .filter((issue) => {
        // GitHub ignores a `head` without `user:` and lists every PR: recorded, since a caller expecting a filter is wrong.
        if (!head || !head.includes(":")) return true;
        const [owner, branch] = head.split(":");
        return (
          owner?.toLowerCase() === issue.pull!.headRepo.owner.login.toLowerCase() &&
          issue.pull!.headRef === branch
        );
      })
      .filter((issue) => !base || issue.pull!.baseRef === base)
      .sort((a, b) => b.number - a.number);
    if (head && !head.includes(":")) {
      twin.violation(
        `GET /repos/{owner}/{repo}/pulls: head=${head} has no "user:" prefix, so GitHub ignores it and lists every PR`,
      );
    }
    const pageOf = paginate(request, views, `/repos/${fullName(repo)}/pulls`);
    const body = [];
    for (const issue of pageOf.body)
      body.push(await pullJson(request.urls, repo, { issue, pull: issue.pull! }, true));
    return { ...pageOf, body };
  },

  "pulls/get": async (request, twin) => {
    const { repo, view } = pullOf(request, twin);
    return { status: 200, body: await pullJson(request.urls, repo, view) };
  },

  "pulls/update": async (request, twin) => {
    const { repo, view } = pullOf(request, twin);
    const title = str(request.body, "title");
    const body = str(request.body, "body");
    const base = str(request.body, "base");
    if (title !== undefined) view.issue.title = title;
    if (body !== undefined) view.issue.body = body;
    if (base !== undefined) {
      if (!(await repo.git.getRef(`refs/heads/${base}`))) {
        throw new HttpError(422, "Validation Failed", [
          { resource: "PullRequest", field: "base", code: "invalid" },
        ]);
      }
      view.pull.baseRef = base;
    }
    view.issue.updatedAt = twin.store.timestamp();
    const state = str(request.body, "state");
    if (state === "closed") await closePull(twin, repo, view.issue, actor(request, twin));
    if (state === "open" && view.issue.state === "closed" && !view.pull.merged) {
      view.issue.state = "open";
      view.issue.closedAt = null;
    }
    return { status: 200, body: await pullJson(request.urls, repo, view) };
  },

  "pulls/merge": async (request, twin) => {
    const { repo, view } = pullOf(request, twin);
    const sha = await mergePull(twin, repo, view, {
      sha: str(request.body, "sha"),
      method: (str(request.body, "merge_method") ?? "merge") as MergeMethod,
      title: str(request.body, "commit_title"),
      message: str(request.body, "commit_message"),
      user: actor(request, twin),
    }).catch(refused);
    return { status: 200, body: { sha, merged: true, message: "Pull Request successfully merged" } };
  },

  "pulls/list-files": async (request, twin) => {
    const { repo, view } = pullOf(request, twin);
    const head = await headSha(repo, view.pull);
    const base = (await repo.git.getRef(`refs/heads/${view.pull.baseRef}`)) ?? head;
    const mergeBase = view.pull.merged
      ? ((await repo.git.readCommit(view.pull.mergeCommitSha!))?.parents[0] ?? base)
      : await repo.git.mergeBase(base, head);
    const files = mergeBase ? await repo.git.diff(mergeBase, head) : [];
    return paginate(
      request,
      files.map((file) => fileEntryJson(request.urls, repo, file, head)),
      `/repos/${fullName(repo)}/pulls/${view.issue.number}/files`,
    );
  },
};
