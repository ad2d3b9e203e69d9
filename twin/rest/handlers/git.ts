import { ZERO_SHA, type TreeChange, type GitIdentity } from "../../git/git-repo.js";
import type { RepoRecord } from "../../state.js";
import { branchMoved } from "../../events.js";
import {
  actor,
  HttpError,
  notFound,
  requireRepo,
  str,
  type RestHandlers,
  type RestRequest,
} from "../handler.js";
import { gitCommitJson, repoUrl, type Json, type Urls } from "../shapes.js";
import type { TwinCore } from "../../twin-core.js";
import { validPath } from "../../graphql/mutations.js";

function refJson(urls: Urls, repo: RepoRecord, ref: string, sha: string): Json {
  return {
    ref,
    node_id: `REF_${Buffer.from(`${repo.id}:${ref}`).toString("base64url")}`,
    url: `${repoUrl(urls, repo)}/git/${ref}`,
    object: { type: "commit", sha, url: `${repoUrl(urls, repo)}/git/commits/${sha}` },
  };
}

function fullRef(param: string | undefined): string {
  const ref = (param ?? "").replace(/^\/+/, "");
  return ref.startsWith("refs/") ? ref : `refs/${ref}`;
}

async function commitOrThrow(repo: RepoRecord, sha: string | undefined): Promise<string> {
  if (!sha || !(await repo.git.hasObject(sha, "commit"))) throw new HttpError(422, "Object does not exist");
  return sha;
}

/** Moves a ref through the API: fast-forward only unless forced; emits `push`. */
async function moveRef(
  request: RestRequest,
  twin: TwinCore,
  repo: RepoRecord,
  ref: string,
  sha: string,
  force: boolean,
): Promise<void> {
  const current = await repo.git.getRef(ref);
  if (!current) throw new HttpError(422, "Reference does not exist");
  if (!force && current !== sha && !(await repo.git.isAncestor(current, sha))) {
    throw new HttpError(422, "Update is not a fast forward");
  }
  if (!(await repo.git.casRef(ref, sha, current))) throw new HttpError(422, "Reference cannot be updated");
  await branchMoved(twin, repo, ref, current, sha, actor(request, twin));
}

function identity(value: unknown, fallback: GitIdentity): GitIdentity {
  if (value === null || typeof value !== "object") return fallback;
  const record = value as Record<string, unknown>;
  return {
    name: typeof record["name"] === "string" ? record["name"] : fallback.name,
    email: typeof record["email"] === "string" ? record["email"] : fallback.email,
    ...(typeof record["date"] === "string" ? { date: new Date(record["date"]).toISOString() } : {}),
  };
}

export const gitHandlers: RestHandlers = {
  "git/get-ref": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const ref = fullRef(request.params["ref"]);
    const sha = await repo.git.getRef(ref);
    if (!sha) throw notFound();
    return { status: 200, body: refJson(request.urls, repo, ref, sha) };
  },

  "git/list-matching-refs": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const prefix = fullRef(request.params["ref"]);
    const refs = await repo.git.listRefs(prefix.endsWith("/") ? prefix : prefix.replace(/[^/]*$/, ""));
    const matching = refs.filter((entry) => entry.ref.startsWith(prefix));
    return { status: 200, body: matching.map((entry) => refJson(request.urls, repo, entry.ref, entry.sha)) };
  },

  "git/create-ref": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const ref = str(request.body, "ref") ?? "";
    if (!/^refs\/[^/]+\/.+/.test(ref))
      throw new HttpError(422, "Reference name must start with 'refs/' and have at least two slashes.");
    const sha = await commitOrThrow(repo, str(request.body, "sha"));
    if (!(await repo.git.casRef(ref, sha, ZERO_SHA))) throw new HttpError(422, "Reference already exists");
    await branchMoved(twin, repo, ref, ZERO_SHA, sha, actor(request, twin));
    return {
      status: 201,
      body: refJson(request.urls, repo, ref, sha),
      headers: { location: `${repoUrl(request.urls, repo)}/git/${ref}` },
    };
  },

  "git/update-ref": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const ref = fullRef(request.params["ref"]);
    const sha = await commitOrThrow(repo, str(request.body, "sha"));
    await moveRef(request, twin, repo, ref, sha, request.body["force"] === true);
    return { status: 200, body: refJson(request.urls, repo, ref, sha) };
  },

  "git/delete-ref": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const ref = fullRef(request.params["ref"]);
    const sha = await repo.git.getRef(ref);
    if (!sha || !(await repo.git.deleteRef(ref, sha))) throw new HttpError(422, "Reference does not exist");
    await branchMoved(twin, repo, ref, sha, ZERO_SHA, actor(request, twin));
    return { status: 204 };
  },

  "git/create-blob": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const content = str(request.body, "content") ?? "";
    const encoding = str(request.body, "encoding") ?? "utf-8";
    if (encoding !== "utf-8" && encoding !== "base64")
      throw new HttpError(422, `encoding must be utf-8 or base64`);
    const sha = await repo.git.writeBlob(Buffer.from(content, encoding === "base64" ? "base64" : "utf8"));
    return { status: 201, body: { url: `${repoUrl(request.urls, repo)}/git/blobs/${sha}`, sha } };
  },

  "git/get-blob": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const sha = request.params["file_sha"] ?? "";
    const data = await repo.git.readBlob(sha);
    if (!data) throw notFound();
    return {
      status: 200,
      body: {
        sha,
        node_id: `B_${sha}`,
        size: data.length,
        url: `${repoUrl(request.urls, repo)}/git/blobs/${sha}`,
        content: data.toString("base64"),
        encoding: "base64",
      },
    };
  },

  "git/create-tree": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const baseTree = str(request.body, "base_tree") ?? null;
    if (baseTree !== null && !(await repo.git.hasObject(baseTree, "tree")))
      throw new HttpError(422, "Invalid tree info");
    const entries = Array.isArray(request.body["tree"])
      ? (request.body["tree"] as Array<Record<string, unknown>>)
      : [];
    const changes: TreeChange[] = [];
    for (const entry of entries) {
      const path = str(entry, "path") ?? "";
      if (path.startsWith("/")) throw new HttpError(422, "tree.path cannot start with a slash");
      if (!validPath(path))
        throw new HttpError(422, `tree.path contains a malformed path component: ${path}`);
      const mode = str(entry, "mode") ?? "100644";
      if (typeof entry["content"] === "string") {
        changes.push({ path, mode, sha: await repo.git.writeBlob(Buffer.from(entry["content"], "utf8")) });
      } else if (entry["sha"] === null) {
        if (baseTree === null) throw new HttpError(422, "Invalid tree info");
        changes.push({ path, mode, sha: null });
      } else {
        const sha = str(entry, "sha") ?? "";
        const type = str(entry, "type") ?? "blob";
        if (
          !(await repo.git.hasObject(sha, type === "tree" ? "tree" : type === "commit" ? "commit" : "blob"))
        ) {
          throw new HttpError(422, "Invalid tree info");
        }
        changes.push({ path, mode, sha });
      }
    }
    const sha = await repo.git.writeTree(baseTree, changes);
    return { status: 201, body: await treeJson(request.urls, repo, sha, false) };
  },

  "git/get-tree": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const sha = request.params["tree_sha"] ?? "";
    const tree = (await repo.git.hasObject(sha, "tree"))
      ? sha
      : (await repo.git.readCommit((await repo.git.resolveCommit(sha)) ?? ""))?.tree;
    if (!tree) throw notFound();
    const recursive =
      request.query.has("recursive") &&
      request.query.get("recursive") !== "false" &&
      request.query.get("recursive") !== "0";
    return { status: 200, body: await treeJson(request.urls, repo, tree, recursive) };
  },

  "git/create-commit": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const tree = str(request.body, "tree") ?? "";
    if (!(await repo.git.hasObject(tree, "tree"))) throw new HttpError(422, "Tree SHA does not exist");
    const parents = Array.isArray(request.body["parents"]) ? (request.body["parents"] as string[]) : [];
    for (const parent of parents) {
      if (!(await repo.git.hasObject(parent, "commit")))
        throw new HttpError(422, "Parent SHA does not exist or is not a commit object");
    }
    const bot = actor(request, twin);
    const fallback = { name: bot.login, email: bot.email };
    const author = identity(request.body["author"], fallback);
    const committer = identity(request.body["committer"], author);
    const sha = await repo.git.writeCommit({
      tree,
      parents,
      message: str(request.body, "message") ?? "",
      author,
      committer,
    });
    const commit = (await repo.git.readCommit(sha))!;
    return {
      status: 201,
      body: gitCommitJson(request.urls, repo, commit),
      headers: { location: `${repoUrl(request.urls, repo)}/git/commits/${sha}` },
    };
  },

  "git/get-commit": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const commit = await repo.git.readCommit(request.params["commit_sha"] ?? "");
    if (!commit) throw notFound();
    return { status: 200, body: gitCommitJson(request.urls, repo, commit) };
  },
};

async function treeJson(urls: Urls, repo: RepoRecord, sha: string, recursive: boolean): Promise<Json> {
  const entries = await repo.git.readTree(sha, recursive);
  return {
    sha,
    url: `${repoUrl(urls, repo)}/git/trees/${sha}`,
    truncated: false,
    tree: entries.map((entry) => ({
      path: entry.path,
      mode: entry.mode,
      type: entry.type,
      sha: entry.sha,
      ...(entry.type === "blob" ? { size: entry.size ?? 0 } : {}),
      url: `${repoUrl(urls, repo)}/git/${entry.type === "tree" ? "trees" : "blobs"}/${entry.sha}`,
    })),
  };
}
