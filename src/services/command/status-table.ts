import { repoKey, type Octokit } from "../../adapters/github/octokit.js";
import { fullName } from "../../core/plan/build.js";
import { rowsTableWithin } from "../../core/render/deployment-rows.js";
import { GITHUB_LIMITS, textSize } from "../../core/render/fit-github.js";
import { plain } from "../../core/render/markdown.js";
import type { CommentEvent } from "../../handlers/comment-from-payload.js";
import { HISTORY_DEPTH as OBSERVED_DEPTH, type Observer } from "../observer.js";
import type { Target } from "./checked.js";

/** `/status`: the table of what runs where in one manifests repository (in a source repository: its image). */
export async function statusTable(
  observer: Observer,
  now: () => number,
  octokit: Octokit,
  comment: CommentEvent,
  target: Target,
  environment: string | undefined,
  budget: number,
): Promise<string> {
  const observed = await observer.observe(octokit, target.repo, now());
  const title = `**${fullName(target.repo)}**${environment ? ` (${environment})` : ""}`;
  if (observed.kind === "failed") return `${title}: cannot read it: ${plain(observed.reason)}`;
  const here = repoKey(comment.repository);
  const inManifests = here === repoKey(target.repo);
  const rows = observed.observation.rows.filter(
    (row) =>
      (environment === undefined || row.environment === environment) &&
      (inManifests || row.repository === here),
  );
  if (rows.length === 0) return `${title}: no file there deploys an image the config builds`;
  const table = rowsTableWithin(rows, now(), OBSERVED_DEPTH, {
    coarse: false,
    withEnvironment: true,
    budget: budget - textSize(title) - 2,
    more: (omitted) =>
      `_… ${omitted} more row${omitted === 1 ? "" : "s"} not shown: a comment holds at most ${GITHUB_LIMITS.comment} characters (rows that need a look are shown first)${environment === undefined ? "; `/status <env>` shows one environment" : ""}._`,
  });
  return `${title}\n\n${table}`;
}
