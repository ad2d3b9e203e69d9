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
}

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
 */
export async function readSnapshot(
  octokit: Octokit,
  repo: RepoId,
  configPaths: readonly string[],
  branch: string | undefined,
  paths: readonly string[],
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
  const query = `query(${declarations.join(", ")}) {
  repository(owner: $owner, name: $name) {
    defaultBranchRef { name target { ... on Commit { ${onDefault ? head : "oid tree { oid }"} ${configFields.join(" ")} } } }
    ${onDefault ? "" : `ref(qualifiedName: $qualifiedName) { target { ... on Commit { ${head} } } }`}
  }
}`;
  const answer = await octokit.graphql<SnapshotAnswer>(query, variables);
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
  };
}

function blobText(field: FileField): BlobText | undefined {
  const object = field?.object;
  if (!object || object.isBinary || object.text === null) return undefined;
  return { oid: object.oid, text: object.text };
}
