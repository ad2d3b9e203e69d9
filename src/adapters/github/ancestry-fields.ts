import { isFullSha } from "../../core/plan/full-sha.js";

/** How many of a head's ancestors one query lists (newest first): deployed builds are recent. */
export const ANCESTRY_DEPTH = 100;

/** What one query asks per source repository (`owner/name`): commits' histories, bases' oids, branches' histories. */
export interface AncestryQuestions {
  /** Commits (full SHA) whose last `ANCESTRY_DEPTH` ancestors are read. */
  readonly heads: ReadonlyArray<{ readonly repo: string; readonly sha: string }>;
  /** Commits (full or abbreviated SHA) whose full oid is read (whether GitHub has them). */
  readonly bases: ReadonlyArray<{ readonly repo: string; readonly sha: string }>;
  /** Branches whose head's last `ANCESTRY_DEPTH` commits are read. */
  readonly branches: ReadonlyArray<{ readonly repo: string; readonly branch: string }>;
}

/** In each map, `null` means GitHub has no such commit (or branch, or repository this installation sees). */
export interface AncestryFound {
  /** `owner/name:sha` (lower case) -> the commit's last ancestors, itself first. */
  readonly ancestors: Map<string, string[] | null>;
  /** `owner/name:sha` (lower case, as asked) -> the full oid. */
  readonly bases: Map<string, string | null>;
  /** `owner/name:refs/heads/<branch>` (repository lower case) -> the branch head's last commits. */
  readonly branches: Map<string, string[] | null>;
}

export interface AncestryFields {
  /** Variable declarations (`$ao0: String!`), to join into the operation's. */
  readonly declarations: string[];
  readonly variables: Record<string, string>;
  /** Root fields, one aliased `repository` per source repository. */
  readonly fields: string[];
  /** The answers, from the query's data. */
  read(data: Record<string, unknown>): AncestryFound;
  /** Connections of `ANCESTRY_DEPTH` nodes the fields ask for (GitHub's node limit and query cost count them). */
  readonly histories: number;
}

type RepositoryAnswer = Record<string, HeadAnswer | null> | null;
interface HeadAnswer {
  oid?: string;
  history?: { nodes: Array<{ oid: string }> } | null;
  /** A branch: `ref(qualifiedName:)` answers with its target commit. */
  target?: HeadAnswer | null;
}

interface RepoQuestions {
  owner: string;
  name: string;
  heads: Set<string>;
  bases: Set<string>;
  branches: Set<string>;
}

/**
 * The fields of the ordering guard's history questions, to ask alone or inside another query (the
 * batch's snapshot): per source repository one aliased `repository` field (`<prefix>r0`), with each
 * head's recent `history`, each base's full oid (an abbreviated SHA by `expression`, which GitHub
 * resolves) and each branch's recent history by its qualified name (a tag of the same name is not the
 * branch). Aliases and variables carry `prefix`, so they clash with nothing around them.
 */
export function ancestryFields(questions: AncestryQuestions, prefix = ""): AncestryFields {
  const byRepo = new Map<string, RepoQuestions>();
  const entryOf = (repo: string): RepoQuestions => {
    const key = repo.toLowerCase();
    const [owner = "", name = ""] = repo.split("/");
    const entry = byRepo.get(key) ?? { owner, name, heads: new Set(), bases: new Set(), branches: new Set() };
    byRepo.set(key, entry);
    return entry;
  };
  for (const { repo, sha } of questions.heads) entryOf(repo).heads.add(sha.toLowerCase());
  for (const { repo, sha } of questions.bases) entryOf(repo).bases.add(sha.toLowerCase());
  for (const { repo, branch } of questions.branches) entryOf(repo).branches.add(branch);
  const variables: Record<string, string> = {};
  const declarations: string[] = [];
  const fields: string[] = [];
  const lookups: Array<{ key: string; alias: string; kind: "head" | "base" | "branch"; field: string }> = [];
  let histories = 0;
  const history = `history(first: ${ANCESTRY_DEPTH}) { nodes { oid } }`;
  [...byRepo].forEach(([repo, entry], r) => {
    const v = (name: string) => `${prefix}${name}`;
    const alias = `${prefix}r${r}`;
    variables[v(`o${r}`)] = entry.owner;
    variables[v(`n${r}`)] = entry.name;
    declarations.push(`$${v(`o${r}`)}: String!`, `$${v(`n${r}`)}: String!`);
    const objects: string[] = [];
    [...entry.heads].forEach((sha, h) => {
      const name = v(`h${r}_${h}`);
      variables[name] = sha;
      declarations.push(`$${name}: GitObjectID!`);
      objects.push(`h${h}: object(oid: $${name}) { ... on Commit { ${history} } }`);
      lookups.push({ key: `${repo}:${sha}`, alias, kind: "head", field: `h${h}` });
      histories++;
    });
    [...entry.bases].forEach((sha, b) => {
      const name = v(`b${r}_${b}`);
      variables[name] = sha;
      const full = isFullSha(sha);
      declarations.push(`$${name}: ${full ? "GitObjectID!" : "String!"}`);
      objects.push(`b${b}: object(${full ? "oid" : "expression"}: $${name}) { ... on Commit { oid } }`);
      lookups.push({ key: `${repo}:${sha}`, alias, kind: "base", field: `b${b}` });
    });
    [...entry.branches].forEach((branch, c) => {
      const name = v(`c${r}_${c}`);
      variables[name] = `refs/heads/${branch}`;
      declarations.push(`$${name}: String!`);
      objects.push(`c${c}: ref(qualifiedName: $${name}) { target { ... on Commit { ${history} } } }`);
      lookups.push({ key: `${repo}:refs/heads/${branch}`, alias, kind: "branch", field: `c${c}` });
      histories++;
    });
    fields.push(`${alias}: repository(owner: $${v(`o${r}`)}, name: $${v(`n${r}`)}) { ${objects.join(" ")} }`);
  });
  const read = (data: Record<string, unknown>): AncestryFound => {
    const found: AncestryFound = { ancestors: new Map(), bases: new Map(), branches: new Map() };
    const oids = (nodes: Array<{ oid: string }> | undefined) =>
      nodes ? nodes.map((node) => node.oid.toLowerCase()) : null;
    for (const { key, alias, kind, field } of lookups) {
      const object = (data[alias] as RepositoryAnswer | undefined)?.[field] ?? null;
      if (kind === "branch") found.branches.set(key, oids(object?.target?.history?.nodes));
      else if (kind === "head") found.ancestors.set(key, oids(object?.history?.nodes));
      else found.bases.set(key, typeof object?.oid === "string" ? object.oid.toLowerCase() : null);
    }
    return found;
  };
  return { declarations, variables, fields, read, histories };
}
