/**
 * What a request to GitHub's API does, for pacing: `read` (REST GET/HEAD, a GraphQL query), `auth` (an
 * access-token request) or `write` (every other REST request, a GraphQL mutation or subscription, and a
 * GraphQL document that cannot be read: paced, to be safe).
 */
export type RequestKind = "read" | "write" | "auth";

/** The parts of Octokit's request options that tell the kind. */
export interface RequestShape {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  /** The GraphQL document (`octokit.graphql(query)` sends it as this option). */
  readonly query?: unknown;
}

export function requestKind(options: RequestShape): RequestKind {
  const method = (options.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return "read";
  const { pathname } = new URL(options.url ?? "/", "http://github.test");
  if (isAuthRequest(method, pathname)) return "auth";
  if (method === "POST" && /\/graphql$/.test(pathname))
    return typeof options.query === "string" && onlyQueries(options.query) ? "read" : "write";
  return "write";
}

/** The requests that create or reset tokens (as @octokit/plugin-throttling tells them). */
function isAuthRequest(method: string, pathname: string): boolean {
  if (method === "PATCH") return /^\/applications\/[^/]+\/token\/scoped$/.test(pathname);
  return (
    method === "POST" &&
    (/^\/applications\/[^/]+\/token$/.test(pathname) ||
      /\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) ||
      pathname === "/login/oauth/access_token")
  );
}

/**
 * True when every operation of a GraphQL document is a query (`query ...` or the shorthand `{ ... }`);
 * false when one is a mutation or subscription, or the document does not scan. Fragments are neither.
 */
export function onlyQueries(document: string): boolean {
  const keywords = topLevelKeywords(document);
  if (keywords === undefined || keywords.length === 0) return false;
  return keywords.every((word) => word === "query" || word === "{" || word === "fragment");
}

/** The word (or `{`) that opens each top-level definition; undefined when braces or strings do not balance. */
function topLevelKeywords(document: string): string[] | undefined {
  const keywords: string[] = [];
  let depth = 0;
  let opening = true;
  let i = 0;
  while (i < document.length) {
    const char = document.charAt(i);
    if (char === "#") {
      const end = document.indexOf("\n", i);
      i = end === -1 ? document.length : end + 1;
    } else if (char === '"') {
      const end = stringEnd(document, i);
      if (end === undefined) return undefined;
      i = end;
    } else if (char === "{" || char === "}") {
      if (char === "{" && depth === 0 && opening) keywords.push("{");
      depth += char === "{" ? 1 : -1;
      if (depth < 0) return undefined;
      opening = depth === 0;
      i++;
    } else if (depth === 0 && opening && /[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(document.slice(i))?.[0] ?? char;
      keywords.push(word);
      opening = false;
      i += word.length;
    } else i++;
  }
  return depth === 0 ? keywords : undefined;
}

/** The index just past the string starting at `start` (a `"..."` or a `"""..."""` block string). */
function stringEnd(document: string, start: number): number | undefined {
  if (document.startsWith('"""', start)) {
    let i = start + 3;
    for (;;) {
      const end = document.indexOf('"""', i);
      if (end === -1) return undefined;
      if (document[end - 1] !== "\\") return end + 3;
      i = end + 3;
    }
  }
  for (let i = start + 1; i < document.length; i++) {
    if (document[i] === "\\") i++;
    else if (document[i] === '"') return i + 1;
    else if (document[i] === "\n") return undefined;
  }
  return undefined;
}
