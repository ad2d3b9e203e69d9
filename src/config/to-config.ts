import type { z } from "zod";
import type { Config } from "./config.js";
import type { configSchema } from "./config-schema.js";
import { durationSeconds } from "./duration.js";

/** The image a source builds when its config names none. */
export const DEFAULT_IMAGE = "ghcr.io/{owner}/{repo}";

/** The schema's output in the shape of `Config`: optional keys become explicit `undefined`s, `_extends` goes. */
export function toConfig(parsed: z.output<typeof configSchema>): Config {
  return {
    sources: parsed.sources.map(
      ({ repositories, host, triggers, workflows, events, image, images, tag, order }) => {
        const listed = images ?? [{ image: image ?? DEFAULT_IMAGE, workflows: [] }];
        return {
          repositories,
          host: host?.toLowerCase(),
          triggers,
          workflows,
          events,
          image: listed[0]?.image ?? DEFAULT_IMAGE,
          images: listed.map((entry) => ({ image: entry.image, workflows: entry.workflows })),
          tag,
          order,
        };
      },
    ),
    environments: Object.fromEntries(
      Object.entries(parsed.environments).map(
        ([name, { paths, mode, branches, mergeMethod, commands, argocd, after, onDegraded }]) => [
          name,
          {
            paths,
            mode,
            branches,
            mergeMethod,
            commands: { permission: commands.permission, users: commands.users },
            argocd: argocd ? { applications: argocd.applications, selector: argocd.selector } : undefined,
            after: after
              ? { environment: after.environment, healthyForSeconds: durationSeconds(after.healthyFor) ?? 0 }
              : undefined,
            onDegraded,
          },
        ],
      ),
    ),
    branch: parsed.branch,
    batchWindowSeconds: parsed.batchWindowSeconds,
    report: { ...parsed.report },
    reconcile: { ...parsed.reconcile },
    freeze: { alerts: parsed.freeze.alerts.map(({ match, environments }) => ({ match, environments })) },
  } satisfies Config;
}
