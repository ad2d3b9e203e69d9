import type { RepoRecord } from "../../state.js";
import { fullName } from "../../state.js";
import { HttpError, notFound, paginate, requireRepo, type RestHandlers } from "../handler.js";
import { commitJson, repoJson, repoUrl, userJson, type Json, type Urls } from "../shapes.js";
import type { ChangedFile } from "../../git/git-repo.js";

/** A repository path inside a URL: each segment percent-encoded, the slashes kept. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** GitHub wraps base64 content at 60 characters a line. */
function base64Lines(data: Buffer): string {
  const text = data.toString("base64");
  return (text.match(/.{1,60}/g) ?? [""]).join("\n") + "\n";
}

export async function resolveOrDefault(repo: RepoRecord, ref: string | null): Promise<string> {
  const sha = await repo.git.resolveCommit(ref ?? repo.defaultBranch);
  if (!sha) throw new HttpError(404, `No commit found for the ref ${ref ?? repo.defaultBranch}`);
  return sha;
}

function contentLinks(
  urls: Urls,
  repo: RepoRecord,
  path: string,
  ref: string,
  sha: string,
  type: string,
): Json {
  const self = `${repoUrl(urls, repo)}/contents/${encodePath(path)}?ref=${encodeURIComponent(ref)}`;
  const git = `${repoUrl(urls, repo)}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`;
  const html = `${urls.web}/${fullName(repo)}/${type === "dir" ? "tree" : "blob"}/${ref}/${encodePath(path)}`;
  return {
    url: self,
    git_url: git,
    html_url: html,
    download_url: type === "dir" ? null : `${urls.web}/raw/${fullName(repo)}/${ref}/${encodePath(path)}`,
    _links: { self, git, html },
  };
}

export function fileEntryJson(urls: Urls, repo: RepoRecord, file: ChangedFile, head: string): Json {
  return {
    sha: file.blobSha,
    filename: file.path,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${urls.web}/${fullName(repo)}/blob/${head}/${encodePath(file.path)}`,
    raw_url: `${urls.web}/${fullName(repo)}/raw/${head}/${encodePath(file.path)}`,
    contents_url: `${repoUrl(urls, repo)}/contents/${encodePath(file.path)}?ref=${head}`,
    patch: file.patch,
  };
}

export const reposHandlers: RestHandlers = {
  "repos/get": async (request, twin) => ({
    status: 200,
    body: repoJson(request.urls, requireRepo(request, twin)),
  }),

  "repos/get-content": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const ref = request.query.get("ref") ?? repo.defaultBranch;
    const commit = await repo.git.resolveCommit(ref);
    if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const path = (request.params["path"] ?? "").replace(/^\/+|\/+$/g, "");
    const entry = await repo.git.entryAt(commit, path);
    if (!entry) throw notFound();
    const accept = String(request.headers.accept ?? "");
    if (entry.type === "tree") {
      const children = await repo.git.readTree(entry.sha, false);
      const list = children.map((child) => {
        const childPath = path === "" ? child.path : `${path}/${child.path}`;
        const type = child.type === "tree" ? "dir" : child.type === "commit" ? "submodule" : "file";
        return {
          type,
          size: child.size ?? 0,
          name: child.path,
          path: childPath,
          sha: child.sha,
          ...contentLinks(request.urls, repo, childPath, ref, child.sha, type),
        };
      });
      return { status: 200, body: list };
    }
    const data = (await repo.git.readBlob(entry.sha)) ?? Buffer.alloc(0);
    if (accept.includes("raw")) {
      return { status: 200, raw: { contentType: "application/vnd.github.raw; charset=utf-8", data } };
    }
    const name = path.split("/").at(-1) ?? path;
    return {
      status: 200,
      body: {
        type: "file",
        encoding: "base64",
        size: data.length,
        name,
        path,
        content: base64Lines(data),
        sha: entry.sha,
        ...contentLinks(request.urls, repo, path, ref, entry.sha, "file"),
      },
    };
  },

  "repos/get-commit": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const sha = await repo.git.resolveCommit(request.params["ref"] ?? "");
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${request.params["ref"]}`);
    const commit = (await repo.git.readCommit(sha))!;
    const parent = commit.parents[0];
    const files = parent ? await repo.git.diff(parent, sha) : [];
    const additions = files.reduce((sum, f) => sum + f.additions, 0);
    const deletions = files.reduce((sum, f) => sum + f.deletions, 0);
    return {
      status: 200,
      body: {
        ...commitJson(request.urls, repo, commit),
        stats: { total: additions + deletions, additions, deletions },
        files: files.map((file) => fileEntryJson(request.urls, repo, file, sha)),
      },
    };
  },

  "repos/list-commits": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const head = await resolveOrDefault(repo, request.query.get("sha"));
    const path = request.query.get("path") ?? undefined;
    const shas = await repo.git.log(head, path ? { path } : {});
    const commits = [];
    const { perPage, page } = {
      perPage: Number(request.query.get("per_page") ?? 30) || 30,
      page: Number(request.query.get("page") ?? 1) || 1,
    };
    for (const sha of shas.slice((page - 1) * perPage, page * perPage)) {
      commits.push(commitJson(request.urls, repo, (await repo.git.readCommit(sha))!));
    }
    const pageOf = paginate(request, shas, `/repos/${fullName(repo)}/commits`);
    return { ...pageOf, body: commits };
  },

  "repos/compare-commits-with-basehead": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const basehead = request.params["basehead"] ?? "";
    const separator = basehead.includes("...") ? "..." : "..";
    const [baseName = "", headName = ""] = basehead.split(separator);
    const base = await repo.git.resolveCommit(baseName);
    const head = await repo.git.resolveCommit(headName);
    if (!base || !head) throw notFound();
    const mergeBase = await repo.git.mergeBase(base, head);
    if (!mergeBase) {
      throw new HttpError(404, `No common ancestor between ${baseName} and ${headName}.`);
    }
    const ahead = await repo.git.commitsBetween(base, head);
    const behind = await repo.git.commitsBetween(head, base);
    const status =
      ahead.length > 0 && behind.length > 0
        ? "diverged"
        : ahead.length > 0
          ? "ahead"
          : behind.length > 0
            ? "behind"
            : "identical";
    const { perPage, page } = {
      perPage: Number(request.query.get("per_page") ?? 250) || 250,
      page: Number(request.query.get("page") ?? 1) || 1,
    };
    const commits = [];
    for (const sha of ahead.slice((page - 1) * perPage, page * perPage)) {
      commits.push(commitJson(request.urls, repo, (await repo.git.readCommit(sha))!));
    }
    const files = await repo.git.diff(mergeBase, head);
    const web = `${request.urls.web}/${fullName(repo)}/compare/${basehead}`;
    return {
      status: 200,
      body: {
        url: `${repoUrl(request.urls, repo)}/compare/${basehead}`,
        html_url: web,
        permalink_url: `${request.urls.web}/${fullName(repo)}/compare/${repo.owner.login}:${base.slice(0, 7)}...${repo.owner.login}:${head.slice(0, 7)}`,
        diff_url: `${web}.diff`,
        patch_url: `${web}.patch`,
        base_commit: commitJson(request.urls, repo, (await repo.git.readCommit(base))!),
        merge_base_commit: commitJson(request.urls, repo, (await repo.git.readCommit(mergeBase))!),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits,
        files: files.map((file) => fileEntryJson(request.urls, repo, file, head)),
      },
    };
  },

  "repos/get-collaborator-permission-level": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const login = request.params["username"] ?? "";
    const user = twin.store.findAccount(login);
    if (!user) throw new HttpError(404, `${login} is not a user`);
    const role =
      repo.owner.login.toLowerCase() === login.toLowerCase()
        ? "admin"
        : (repo.collaborators.get(user.login) ?? null);
    // GitHub folds maintain into write and triage into read; role_name keeps the real role.
    const permission =
      role === "admin"
        ? "admin"
        : role === "maintain" || role === "write"
          ? "write"
          : role === null
            ? "none"
            : "read";
    return {
      status: 200,
      body: {
        permission,
        role_name: role ?? "none",
        user: {
          ...userJson(request.urls, user),
          permissions: {
            admin: role === "admin",
            maintain: role === "admin" || role === "maintain",
            push: permission === "admin" || permission === "write",
            triage: permission !== "none",
            pull: permission !== "none",
          },
          role_name: role ?? "none",
        },
      },
    };
  },
};
