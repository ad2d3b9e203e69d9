import type { ManifestsRepoId } from "./observation.js";

/** A Git repository URL reduced to what names the repository: host (lower-case, with port), owner, name. */
export interface RepoUrl {
  readonly host: string;
  readonly owner: string;
  readonly name: string;
}

/**
 * The host, owner and name of a repository URL as Argo CD applications write them:
 * `https://host/owner/name(.git)`, `http://...`, `ssh://git@host(:port)/owner/name.git` and scp-like
 * `git@host:owner/name.git`; a trailing `/` and `.git` do not count, nor does case (GitHub's names are
 * case-insensitive). Undefined for anything else (a Helm repository's URL, a path with more segments).
 */
export function parseRepoUrl(url: string): RepoUrl | undefined {
  const text = url.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)([^\s]+)$/.exec(text);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return fromParts(scp[1] ?? "", scp[2] ?? "");
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return undefined;
  }
  if (!["https:", "http:", "ssh:", "git:"].includes(parsed.protocol)) return undefined;
  return fromParts(parsed.host, decodeURIComponent(parsed.pathname));
}

function fromParts(host: string, path: string): RepoUrl | undefined {
  const parts = path
    .replace(/^\/+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/i, "")
    .split("/");
  if (parts.length !== 2) return undefined;
  const [owner = "", name = ""] = parts;
  if (!/^[\w.-]+$/.test(owner) || !/^[\w.-]+$/.test(name)) return undefined;
  return { host: host.toLowerCase(), owner: owner.toLowerCase(), name: name.toLowerCase() };
}

/**
 * The web host of the GitHub the app talks to, from its REST API base URL: `https://api.github.com`
 * is github.com; GitHub Enterprise Server's `https://ghe.example.com/api/v3` (and the twin's
 * `http://127.0.0.1:port/api/v3`) is its own host.
 */
export function githubHostOf(apiBaseUrl: string): string {
  return new URL(githubWebOf(apiBaseUrl)).host;
}

/** The web origin of the GitHub the app talks to: `https://github.com`, `http://127.0.0.1:4010` ... */
export function githubWebOf(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  const host = url.host.toLowerCase();
  return host === "api.github.com" ? "https://github.com" : `${url.protocol}//${host}`;
}

/** The GitHub repository a URL names, when it is on `githubHost` (any other host is not ours). */
export function githubRepoOf(url: string, githubHost: string): ManifestsRepoId | undefined {
  const parsed = parseRepoUrl(url);
  if (!parsed || parsed.host !== githubHost.toLowerCase()) return undefined;
  return { owner: parsed.owner, name: parsed.name };
}

/** Whether `url` names `repo` on `githubHost`. */
export function isRepoUrl(url: string, repo: ManifestsRepoId, githubHost: string): boolean {
  const found = githubRepoOf(url, githubHost);
  return (
    found !== undefined && found.owner === repo.owner.toLowerCase() && found.name === repo.name.toLowerCase()
  );
}

/**
 * The URL by which Argo CD is asked for a repository's applications (`?repo=`): Argo CD compares it
 * with each application's (first) source URL as written, so it is the form its documentation and
 * `argocd repo add` use, `https://github.com/<owner>/<name>.git`.
 */
export function repoCloneUrl(repo: ManifestsRepoId, githubWeb: string): string {
  return `${githubWeb.replace(/\/+$/, "")}/${repo.owner}/${repo.name}.git`;
}
