import { ancestryFields, type AncestryFound, type AncestryQuestions } from "./ancestry-fields.js";
import { queryAllowingNotFound } from "./graphql-errors.js";
import type { Octokit, RepoId } from "./octokit.js";

/** One consistent view of a manifests branch: its head, its tree, the config and some files at that head. */
export interface Snapshot {
  readonly defaultBranch: string;
  readonly branch: string;
  readonly headOid: string;
  readonly treeOid: string;
  /** The config file on the default branch (where Probot and people look for it), or undefined. */
  readonly config: ConfigBlob | undefined;
  /** Every config file found there, under each of the names asked for (two is a problem). */
  readonly configs: readonly ConfigBlob[];
  /** The requested paths that exist at `headOid`, with their blob oid and text. */
  readonly files: ReadonlyMap<string, BlobText>;
  /** The answers to the history questions asked with the snapshot (see `readSnapshot`), if any were. */
  readonly history?: AncestryFound;
}

/** The ordering guard's questions a snapshot can carry: builds' commits and claimed branches (no bases). */
export type HistoryQuestions = Pick<AncestryQuestions, "heads" | "branches">;

export interface BlobText {
  readonly oid: string;
  readonly text: string;
}

export interface ConfigBlob extends BlobText {
  readonly path: string;
}

interface CommitFields {
  oid: string;
  tree: { oid: string };
  [alias: string]: unknown;
}

interface SnapshotAnswer {
  repository: {
    defaultBranchRef: { name: string; target: CommitFields } | null;
    ref?: { target: CommitFields } | null;
  } | null;
}

type FileField = { object: { oid: string; text: string | null; isBinary: boolean | null } | null } | null;

const BLOB = "object { ... on Blob { oid text isBinary } }";

/**
 * The one GraphQL read of a batch: head oid and tree oid of `branch` (default branch when undefined),
 * the config file on the default branch (under each of `configPaths`), and `paths` read from the very same commit (`Commit.file`),
 * so texts and the oid used for `expectedHeadOid` cannot disagree.
 *
 * With `history`, the same query also reads the ordering guard's history of the builds' commits and of
 * the branches they claim, in their own source repositories (one aliased `repository` field each, see
 * `ancestryFields`): the guard then needs no query of its own. A source repository this installation
 * cannot see answers null there (NOT_FOUND) without failing the snapshot; the manifests repository's
 * NOT_FOUND still fails it.
 */
export async function readSnapshot(
  octokit: Octokit,
  repo: RepoId,
  configPaths: readonly string[],
  branch: string | undefined,
  paths: readonly string[],
  history?: HistoryQuestions,
): Promise<Snapshot | undefined> {
  const variables: Record<string, string> = { owner: repo.owner, name: repo.name };
  const declarations = ["$owner: String!", "$name: String!"];
  const configFields = configPaths.map((path, index) => {
    variables[`c${index}`] = path;
    declarations.push(`$c${index}: String!`);
    return `config${index}: file(path: $c${index}) { ${BLOB} }`;
  });
  const fileFields = paths.map((path, index) => {
    variables[`p${index}`] = path;
    declarations.push(`$p${index}: String!`);
    return `f${index}: file(path: $p${index}) { ${BLOB} }`;
  });
  const head = `oid tree { oid } ${fileFields.join(" ")}`;
  const onDefault = branch === undefined;
  if (!onDefault) {
    variables["qualifiedName"] = `refs/heads/${branch}`;
    declarations.push("$qualifiedName: String!");
  }
  const asked =
    history && history.heads.length + history.branches.length > 0
      ? ancestryFields({ ...history, bases: [] }, "a")
      : undefined;
  if (asked) {
    declarations.push(...asked.declarations);
    Object.assign(variables, asked.variables);
  }
  const query = `query(${declarations.join(", ")}) {
  repository(owner: $owner, name: $name) {
    defaultBranchRef { name target { ... on Commit { ${onDefault ? head : "oid tree { oid }"} ${configFields.join(" ")} } } }
    ${onDefault ? "" : `ref(qualifiedName: $qualifiedName) { target { ... on Commit { ${head} } } }`}
  }
  ${asked?.fields.join("\n  ") ?? ""}
}`;
  const answer = asked
    ? ((await queryAllowingNotFound<SnapshotAnswer>(octokit, query, variables, [
        "repository",
      ])) as SnapshotAnswer)
    : await octokit.graphql<SnapshotAnswer>(query, variables);
  const defaultRef = answer.repository?.defaultBranchRef;
  if (!defaultRef) return undefined;
  const target = onDefault ? defaultRef.target : answer.repository?.ref?.target;
  if (!target) return undefined;
  const files = new Map<string, BlobText>();
  paths.forEach((path, index) => {
    const text = blobText(target[`f${index}`] as FileField);
    if (text) files.set(path, text);
  });
  const configs = configPaths.flatMap((path, index) => {
    const text = blobText(defaultRef.target[`config${index}`] as FileField);
    return text ? [{ ...text, path }] : [];
  });
  return {
    defaultBranch: defaultRef.name,
    branch: branch ?? defaultRef.name,
    headOid: target.oid,
    treeOid: target.tree.oid,
    config: configs[0],
    configs,
    files,
    ...(asked ? { history: asked.read(answer as unknown as Record<string, unknown>) } : {}),
  };
}

function blobText(field: FileField): BlobText | undefined {
  const object = field?.object;
  if (!object || object.isBinary || object.text === null) return undefined;
  return { oid: object.oid, text: object.text };
}
