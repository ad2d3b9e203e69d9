import { CONFIG_PATHS, type ConfigFile, type ConfigProblem } from "../config/index.js";
import type { Octokit } from "../adapters/github/octokit.js";
import { shortSha } from "../core/render/short-sha.js";
import type { PullRequestHead } from "../handlers/pull-request-from-payload.js";
import { STATE_PATH } from "../state/state-file.js";
import { stateProblems } from "../state/state-problems.js";
import { loadConfigFiles } from "./load-config.js";
import type { Pacer } from "./pacer.js";
import { reportConfigProblems, type ConfigCheckTexts } from "./report-config-problems.js";

/** The files the check looks at: the configuration under each name, and the holds and freezes file. */
const WATCHED: readonly string[] = [...CONFIG_PATHS, STATE_PATH];

type Blob = { oid: string; text: string | null } | null;

interface HeadAndBase {
  repository: Record<string, Blob> | null;
}

export interface ConfigCheckDeps {
  readonly pacer: (installationId: number) => Pacer;
  readonly log: { info(fields: object, message: string): void };
}

/**
 * The configuration check of a pull request: when its head changes the config or the state file,
 * they are validated there with the deployer's own code and a check run on the head says whether
 * they are valid, with an annotation on each problem's line, so a mistake is seen before the merge.
 */
export class ConfigCheck {
  constructor(private readonly deps: ConfigCheckDeps) {}

  async run(octokit: Octokit, pull: PullRequestHead): Promise<void> {
    const { head, differs } = await readHeadAndBase(octokit, pull);
    if (differs.length === 0) return; // the usual pull request: one read, nothing to check
    const touched = await touchedFiles(octokit, pull, differs);
    if (touched.length === 0) return;
    const problems: ConfigProblem[] = [];
    const checked: string[] = [];
    if (touched.some((path) => CONFIG_PATHS.includes(path))) {
      const found = CONFIG_PATHS.flatMap((path): ConfigFile[] => {
        const text = head.get(path);
        return text === undefined ? [] : [{ path, text }];
      });
      const result = await loadConfigFiles(octokit, pull.repo, found);
      if (result && !result.ok) problems.push(...result.problems);
      checked.push(...(found.length > 0 ? found.map((file) => file.path) : ["no configuration (removed)"]));
    }
    const state = head.get(STATE_PATH);
    if (touched.includes(STATE_PATH) && state !== undefined) {
      problems.push(...stateProblems(state));
      checked.push(STATE_PATH);
    }
    this.deps.log.info(
      { repo: `${pull.repo.owner}/${pull.repo.name}`, pull: pull.number, problems: problems.length },
      "configuration checked on a pull request",
    );
    await reportConfigProblems(
      octokit,
      this.deps.pacer(pull.installationId),
      pull.repo,
      pull.headSha,
      problems,
      pullRequestTexts(pull.headSha, checked),
    );
  }
}

function pullRequestTexts(headSha: string, checked: readonly string[]): ConfigCheckTexts {
  return {
    failureTitle: (count) =>
      `${count} problem${count === 1 ? "" : "s"} in the configuration: once merged, nothing deploys until fixed`,
    successTitle: "configuration valid",
    successSummary: `Checked at ${shortSha(headSha)}: ${checked.join(", ")}.`,
  };
}

/**
 * One GraphQL read: the watched files' texts at the head and their blob ids at the base the webhook
 * names. The paths whose blob differs are those the pull request may change.
 */
async function readHeadAndBase(
  octokit: Octokit,
  pull: PullRequestHead,
): Promise<{ head: Map<string, string>; differs: string[] }> {
  const variables: Record<string, string> = { owner: pull.repo.owner, name: pull.repo.name };
  const declarations = ["$owner: String!", "$name: String!"];
  const fields = WATCHED.flatMap((path, index) => {
    variables[`h${index}`] = `${pull.headSha}:${path}`;
    variables[`b${index}`] = `${pull.baseSha}:${path}`;
    declarations.push(`$h${index}: String!`, `$b${index}: String!`);
    return [
      `h${index}: object(expression: $h${index}) { ... on Blob { oid text } }`,
      `b${index}: object(expression: $b${index}) { ... on Blob { oid } }`,
    ];
  });
  const answer = await octokit.graphql<HeadAndBase>(
    `query(${declarations.join(", ")}) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`,
    variables,
  );
  const head = new Map<string, string>();
  const differs: string[] = [];
  WATCHED.forEach((path, index) => {
    const headBlob = answer.repository?.[`h${index}`];
    const baseBlob = answer.repository?.[`b${index}`];
    if (typeof headBlob?.text === "string") head.set(path, headBlob.text);
    if ((headBlob?.oid ?? null) !== (baseBlob?.oid ?? null)) differs.push(path);
  });
  return { head, differs };
}

/**
 * Which of `candidates` the pull request's own changes touch: the base branch may have moved since the
 * pull request branched, so a file that differs from it is not always one the pull request changed.
 * Pages of the file list are read only until every candidate is found.
 */
async function touchedFiles(
  octokit: Octokit,
  pull: PullRequestHead,
  candidates: readonly string[],
): Promise<string[]> {
  const touched = new Set<string>();
  const pages = octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
    owner: pull.repo.owner,
    repo: pull.repo.name,
    pull_number: pull.number,
    per_page: 100,
  });
  for await (const { data } of pages) {
    for (const file of data)
      for (const path of [file.filename, file.previous_filename])
        if (path !== undefined && candidates.includes(path)) touched.add(path);
    if (touched.size === candidates.length) break;
  }
  return [...touched];
}
