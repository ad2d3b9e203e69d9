import type { CommitCommentRecord, RepoRecord } from "../../state.js";
import { fullName } from "../../state.js";
import { actor, HttpError, invalid, paginate, requireRepo, str, type RestHandlers } from "../handler.js";
import { repoUrl, userJson, type Json, type Urls } from "../shapes.js";

function commitCommentJson(urls: Urls, repo: RepoRecord, comment: CommitCommentRecord): Json {
  return {
    url: `${repoUrl(urls, repo)}/comments/${comment.id}`,
    html_url: `${urls.web}/${fullName(repo)}/commit/${comment.commitId}#commitcomment-${comment.id}`,
    id: comment.id,
    node_id: comment.nodeId,
    body: comment.body,
    path: null,
    position: null,
    line: null,
    commit_id: comment.commitId,
    user: userJson(urls, comment.user),
    author_association: "NONE",
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
  };
}

/** The commit a comment goes on: a full SHA of a commit of the repository, else 422 as GitHub answers. */
async function commitOf(repo: RepoRecord, sha: string): Promise<string> {
  const lower = sha.toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(lower) || !(await repo.git.hasObject(lower, "commit")))
    throw new HttpError(422, `No commit found for SHA: ${sha}`);
  return lower;
}

/** Comments on a whole commit (`repos/create-commit-comment`, `repos/list-comments-for-commit`). */
export const commitCommentsHandlers: RestHandlers = {
  "repos/create-commit-comment": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const commitId = await commitOf(repo, request.params["commit_sha"] ?? "");
    const body = str(request.body, "body");
    if (body === undefined || body.trim() === "") throw invalid("CommitComment", "body", "missing_field");
    const id = twin.store.nextId();
    const comment: CommitCommentRecord = {
      id,
      nodeId: twin.store.nodeId("CC", id),
      commitId,
      body,
      user: actor(request, twin),
      createdAt: twin.store.timestamp(),
    };
    repo.commitComments.push(comment);
    const json = commitCommentJson(request.urls, repo, comment);
    return { status: 201, body: json, headers: { location: String(json["url"]) } };
  },

  "repos/list-comments-for-commit": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const commitId = await commitOf(repo, request.params["commit_sha"] ?? "");
    const comments = repo.commitComments.filter((comment) => comment.commitId === commitId);
    const pageOf = paginate(request, comments, `/repos/${fullName(repo)}/commits/${commitId}/comments`);
    return { ...pageOf, body: pageOf.body.map((comment) => commitCommentJson(request.urls, repo, comment)) };
  },
};
