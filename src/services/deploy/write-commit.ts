import { createCommit } from "../../adapters/github/create-commit.js";
import type { Snapshot } from "../../adapters/github/read-snapshot.js";
import type { Landing } from "../../core/plan/landing.js";
import type { BatchPlan } from "../../core/plan/plan-batch.js";
import { commitMessage } from "../../core/render/commit-message.js";
import type { DeployerDeps } from "../deployer.js";
import type { Reported } from "../reporter.js";
import type { Batch } from "./batch.js";
import type { BatchState } from "./batch-state.js";

export type CommitStep =
  /** The branch moved since the snapshot: read and plan again. */
  | { readonly kind: "stale" }
  | {
      readonly kind: "written";
      /** What the commit carried (nothing when there was nothing to write). */
      readonly reported: Reported[];
      /** Where the commands' state edits landed (undefined: they changed nothing). */
      readonly stateLanding: Landing | undefined;
    };

/** When each step of the attempt ended (for the "committed" log line). */
export interface Stamps {
  readonly startedAt: number;
  readonly readAt: number;
  readonly comparedAt: number;
  readonly plannedAt: number;
}

type CommitDeps = Pick<DeployerDeps, "pacer" | "index" | "log" | "onCommit">;

/**
 * The plan's commit and the state edits, as one signed commit guarded by the head the plan was made on;
 * reports the builds it carried as written.
 */
export async function writeBatchCommit(
  deps: CommitDeps,
  { octokit, installationId, repo, key }: Batch,
  snapshot: Snapshot,
  plan: BatchPlan,
  state: Extract<BatchState, { ok: true }>,
  stamps: Stamps,
): Promise<CommitStep> {
  const writes = [...plan.commit.writes, ...(state.write ? [state.write] : [])];
  if (writes.length === 0) return { kind: "written", reported: [], stateLanding: undefined };
  await deps.pacer(installationId).take(true);
  const result = await createCommit(
    octokit,
    repo,
    snapshot.branch,
    snapshot.headOid,
    commitMessage(plan.commit.updates, state.write ? state.edits : []),
    writes,
  );
  if (!result.ok) return { kind: "stale" };
  const landing = {
    kind: "commit" as const,
    url: result.url,
    label: result.oid.slice(0, 7),
    oid: result.oid,
    branch: snapshot.branch,
  };
  await deps.index.committed(key, snapshot.treeOid, result.treeOid, writes);
  deps.log.info(
    {
      repo: key,
      commit: result.oid,
      files: writes.length,
      builds: plan.commit.updates.length,
      ms: {
        read: stamps.readAt - stamps.startedAt,
        compare: stamps.comparedAt - stamps.readAt,
        plan: stamps.plannedAt - stamps.comparedAt,
        write: Date.now() - stamps.plannedAt,
      },
    },
    "committed",
  );
  deps.onCommit?.({
    repo,
    oid: result.oid,
    builds: [...new Set(plan.commit.updates.map((update) => update.wanted.build))],
  });
  const inCommit = new Set(plan.commit.updates);
  const reported: Reported[] = [];
  for (const outcome of plan.outcomes)
    if (outcome.kind === "written" && outcome.updates.some((update) => inCommit.has(update)))
      reported.push({ outcome, landing });
  return { kind: "written", reported, stateLanding: state.write ? landing : undefined };
}
