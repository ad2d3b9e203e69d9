import type { BatchPlan } from "../../core/plan/plan-batch.js";
import { planSummary } from "../../core/render/plan-summary.js";
import { skipText } from "../../core/render/skip-text.js";
import type { Logger } from "../deployer.js";

/** One info line per batch (what it will write and skip); each skip's details at debug. */
export function logPlan(log: Logger, key: string, plan: BatchPlan): void {
  log.info({ repo: key, ...planSummary(plan) }, "batch planned");
  for (const outcome of plan.outcomes)
    if (outcome.kind === "skipped")
      log.debug(
        {
          repo: key,
          build: outcome.wanted.build.id,
          image: outcome.wanted.image,
          environment: outcome.environment,
          path: outcome.path,
          reason: outcome.skip.reason,
        },
        skipText(outcome.skip),
      );
}
