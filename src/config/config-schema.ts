import { z } from "zod";
import {
  COMMAND_PERMISSIONS,
  MERGE_METHODS,
  MODES,
  ON_DEGRADED,
  ORDERS,
  TRIGGERS,
  type Trigger,
} from "./config.js";
import type { Finding } from "./finding.js";
import {
  checkBranchGlob,
  checkPathGlob,
  checkPathList,
  checkRepositoryGlob,
  checkWorkflowGlob,
} from "./glob-checks.js";
import { checkDuration } from "./duration.js";
import { checkImageTemplate } from "./image-template.js";
import { isMapping } from "./is-mapping.js";
import { parseTagTemplate } from "./tag-template.js";
import { checkBranchName, checkEnvironmentName, checkExtends, ENVIRONMENT_NAME } from "./value-checks.js";

/** A string with a check that explains itself: the issue carries the fix for `issueToProblem`. */
function checkedString(check: (value: string) => Finding | undefined) {
  return z
    .string()
    .min(1)
    .check((ctx) => {
      if (ctx.value === "") return; // min(1) says it
      const finding = check(ctx.value);
      if (finding !== undefined) ctx.issues.push(customIssue(ctx.value, finding));
    });
}

function customIssue(input: unknown, { message, fix }: Finding, at: "value" | "key" = "value") {
  return { code: "custom" as const, input, message, params: { fix, at } };
}

const HOST = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/;

export const sourceImageSchema = z
  .strictObject({
    image: checkedString(checkImageTemplate).describe(
      "The image, as `image` above: `ghcr.io/{owner}/{repo}-api`, `harbor.example.com/shop/api`.",
    ),
    workflows: z
      .array(checkedString(checkWorkflowGlob))
      .default(() => [])
      .describe(
        "Globs over the workflow files that build this image (`workflow_run.path`), e.g. `.github/workflows/build-api.yml`; `!glob` excludes. Empty: any of the source's workflows.",
      ),
  })
  .describe("One image of a repository that builds several (a monorepo).");

export const sourceSchema = z
  .strictObject({
    repositories: z
      .array(checkedString(checkRepositoryGlob))
      .min(1)
      .describe(
        'Globs over `owner/name` of the repositories whose builds deploy, matched case-insensitively: `acme/web`, `acme/*`, `acme/{web,api}`. `!glob` excludes: `["acme/*", "!acme/sandbox-*"]`. On another `host`, the whole path: `payments/backend/api`.',
      ),
    host: z
      .string()
      .regex(HOST, "not a host name, e.g. gitlab.example.com")
      .optional()
      .describe(
        "Where the repositories live when they are not on this GitHub: `gitlab.example.com`, `bitbucket.org`. Their builds come from `POST /api/builds` or a registry; GitHub cannot tell their commits' ancestry, so `order` must be `build-number` or `semver`, and nothing is reported on their commits.",
      ),
    triggers: z
      .array(z.enum(TRIGGERS))
      .min(1)
      .default((): Trigger[] => ["workflow_run"])
      .describe(
        "Events that start a deployment: `workflow_run` (a build workflow completed successfully), `package` (an image was published to GitHub Packages), `build` (a build sent to `POST /api/builds` by any CI) and `registry` (an image pushed to Harbor, Docker Hub or Quay, whose webhook reaches `/api/registry/...`).",
      ),
    workflows: z
      .array(checkedString(checkWorkflowGlob))
      .default(() => [])
      .describe(
        "Globs over the path of the workflow file that builds the image (`workflow_run.path`), e.g. `.github/workflows/build.yml`; `!glob` excludes. Empty: any workflow.",
      ),
    events: z
      .array(z.string().min(1))
      .min(1)
      .default(() => ["push"])
      .describe(
        "The events that started the workflow run (`workflow_run.event`) which deploy, e.g. `push`, `workflow_dispatch`, `release`.",
      ),
    image: checkedString(checkImageTemplate)
      .optional()
      .describe(
        "The image the source repository builds (default `ghcr.io/{owner}/{repo}`). Placeholders: `{owner}`, `{repo}`. The rendered name is lower-cased. A repository that builds several images lists them in `images` instead.",
      ),
    images: z
      .array(sourceImageSchema)
      .min(1)
      .optional()
      .describe(
        "The images of a repository that builds several (a monorepo), each with the workflows that build it: a run of `build-api.yml` deploys only the api image. Each image keeps its own ordering and pull requests. Use either `image` or `images`.",
      ),
    tag: checkedString(checkTagTemplate)
      .default("{sha}")
      .describe(
        "The tag a build gets, and how the bot reads a tag back: `{sha}` (the full commit SHA) or `{sha:N}` (its first N characters, 7 to 40), `{build}` (the build number) and `{version}` (a semantic version such as `1.4.2`), at most one of each, with text between them: `sha-{sha:8}`, `{build}-{sha:7}`, `v{version}`. Another tag of the image (`latest`) is never written.",
      ),
    order: z
      .enum(ORDERS)
      .default("ancestry")
      .describe(
        "How builds are ordered so an older one never replaces a newer one: `ancestry` (the source commits' history on GitHub; the tag needs `{sha}`), `build-number` (the number the CI sends; the tag needs `{build}`), `semver` (release tags as Flux and Renovate order them, `v1.10.0` after `v1.9.3`; the tag needs `{version}`).",
      ),
  })
  .superRefine((source, ctx) => {
    const problem = sourceProblem(source);
    if (problem) ctx.addIssue({ ...customIssue(source[problem.key], problem.finding), path: [problem.key] });
  })
  .describe("A set of source repositories, the image each builds and how its tags are named.");

/** The checks across a source's keys: its order, tag, host and images agree. */
function sourceProblem(source: {
  repositories: string[];
  host?: string | undefined;
  image?: string | undefined;
  images?: unknown[] | undefined;
  tag: string;
  order: (typeof ORDERS)[number];
}): { key: "order" | "images" | "repositories" | "tag"; finding: Finding } | undefined {
  if (source.image !== undefined && source.images !== undefined)
    return {
      key: "images",
      finding: {
        message: "the source has both `image` and `images`",
        fix: "keep one: `images` lists every image of a repository that builds several",
      },
    };
  if (source.host === undefined) {
    const nested = source.repositories.find((glob) => glob.replace(/^!/, "").split("/").length > 2);
    if (nested !== undefined)
      return {
        key: "repositories",
        finding: {
          message: `repository glob \`${nested}\` is not of the form owner/name`,
          fix: "a GitHub repository is owner/name; for a nested group on GitLab set `host` too",
        },
      };
  }
  if (source.order === "ancestry" && source.host !== undefined)
    return {
      key: "order",
      finding: {
        message: `GitHub cannot tell the ancestry of commits on ${source.host}`,
        fix: "set `order: build-number` (with {build} in `tag`) or `order: semver` (with {version} in `tag`)",
      },
    };
  const parsed = parseTagTemplate(source.tag);
  if (!parsed.ok) return undefined; // the tag's own check says it
  const needs = { ancestry: "sha", "build-number": "build", semver: "version" } as const;
  const needed = needs[source.order];
  if (!parsed.template[needed])
    return {
      key: "tag",
      finding: {
        message: `\`order: ${source.order}\` reads the ${needed === "sha" ? "commit" : needed === "build" ? "build number" : "version"} from the tag, but \`${source.tag}\` has no {${needed}}`,
        fix:
          needed === "sha"
            ? "add {sha} or {sha:N}, e.g. sha-{sha:7}"
            : needed === "build"
              ? "add {build}, e.g. {build}-{sha:7}"
              : "write the tag as the version, e.g. v{version}",
      },
    };
  return undefined;
}

export const environmentSchema = z
  .strictObject({
    paths: z
      .array(checkedString(checkPathGlob))
      .min(1)
      .check((ctx) => {
        const finding = checkPathList(ctx.value);
        if (finding !== undefined) ctx.issues.push(customIssue(ctx.value, finding));
      })
      .describe(
        'Globs over file paths in this repository that belong to the environment, relative to its root: `apps/*/overlays/prod/**`. No leading `/`, no `..`, no backslash. `!glob` excludes: `["apps/**", "!apps/legacy/**"]`.',
      ),
    mode: z
      .enum(MODES)
      .default("commit")
      .describe(
        "How a new image reaches the environment: `commit` (straight to the branch), `pull-request` (a pull request to review and merge), `auto-merge` (a pull request with auto-merge enabled, merged once checks pass).",
      ),
    branches: z
      .array(checkedString(checkBranchGlob))
      .min(1)
      .optional()
      .describe(
        'Globs over the source branches whose builds may deploy here, e.g. `main`, `release/*`; `!glob` excludes, so `["!wip/*"]` is every branch but wip/*. Absent: only the source repository\'s default branch.',
      ),
    mergeMethod: z
      .enum(MERGE_METHODS)
      .default("squash")
      .describe("How `pull-request` and `auto-merge` pull requests are merged."),
    commands: z
      .strictObject({
        permission: z
          .enum(COMMAND_PERMISSIONS)
          .default("write")
          .describe(
            "The least permission on this repository a person needs to run a changing command (`/retag`, `/promote`, `/rollback`, `/freeze`, `/unfreeze`, `/resume`) for this environment: `write`, `maintain` or `admin`.",
          ),
        users: z
          .array(z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "not a GitHub login"))
          .min(1)
          .optional()
          .describe(
            "When set, only these GitHub logins may run changing commands here (and need `permission` too).",
          ),
      })
      .default({ permission: "write" })
      .describe(
        "Who may change this environment from a comment. `/help` is open to everyone who can comment, `/status` to everyone who can read the manifests repository.",
      ),
    argocd: z
      .strictObject({
        applications: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe(
            "Globs over the names of the Argo CD applications that deploy this environment, e.g. `*-prod`; `!glob` excludes.",
          ),
        selector: z
          .string()
          .min(1)
          .optional()
          .describe(
            "An Argo CD label selector for this environment's applications, e.g. `env=prod,team=payments`.",
          ),
      })
      .optional()
      .describe(
        "Which Argo CD applications deploy this environment, when their source paths do not tell (by default: an application whose source is this repository and whose path lies under `paths`).",
      ),
    after: z
      .strictObject({
        environment: z
          .string()
          .min(1)
          .describe("The environment the same build must run in first, e.g. `qa`."),
        healthyFor: checkedString(checkDuration)
          .default("0s")
          .describe("How long the build must have been Synced and Healthy there: `30m`, `1h`, `0s`."),
      })
      .optional()
      .describe(
        "A gate: pull requests for this environment carry the check run `gitops-image-bot/gate`, which passes once the same build has been Synced and Healthy in `environment` for `healthyFor`; the app merges nothing before.",
      ),
    onDegraded: z
      .enum(ON_DEGRADED)
      .default("report")
      .describe(
        "What happens when Argo CD reports a build Degraded (or its sync failed) here: `report` (the deployment fails), `hold` (also hold the image at its tag, as `/rollback` does, so no newer build comes in), `rollback` (put back the last tag that was Healthy here and hold it).",
      ),
  })
  .describe("A deployment target: the files that belong to it and how changes reach them.");

export const alertFreezeSchema = z
  .strictObject({
    match: z
      .record(z.string().min(1), z.string())
      .refine((labels) => Object.keys(labels).length > 0, "name at least one label")
      .describe(
        "Labels the alert must carry, with these exact values, e.g. `{ severity: page, slo: checkout }`.",
      ),
    environments: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        "The environments the alert freezes while it fires. Absent: the environments named (comma-separated) by the alert's `gitops_image_bot_freeze` label.",
      ),
  })
  .describe("Alerts that freeze environments while they fire.");

export const freezeSchema = z.strictObject({
  alerts: z
    .array(alertFreezeSchema)
    .default(() => [])
    .describe(
      "Alertmanager alerts (sent to `POST /api/alertmanager`) that freeze environments while they fire, first match wins: a firing alert writes a freeze with its summary and link to the state file; its `resolved` notification lifts only the freezes that alert made.",
    ),
});

export const reportSchema = z.strictObject({
  statuses: z.boolean().default(true).describe("Set a commit status on the source commit."),
  deployments: z.boolean().default(true).describe("Create GitHub deployments for each environment."),
});

export const reconcileSchema = z.strictObject({
  intervalMinutes: z
    .number()
    .int()
    .min(0)
    .max(1440)
    .default(10)
    .describe(
      "How often the app compares what each environment runs with the newest successful build of its tracked branch, and repairs the difference (with up to 10% jitter). 0: never on a schedule (still on `/reconcile` and `gitops-image-bot reconcile`).",
    ),
  requestBudget: z
    .number()
    .int()
    .min(10)
    .max(5000)
    .default(100)
    .describe(
      "The GitHub requests one pass over this repository may spend reading. Branch histories that do not fit are read first by the next pass, and the dashboard says the pass could not finish. The writes that repair drift are not counted.",
    ),
  dashboard: z
    .boolean()
    .default(true)
    .describe(
      "Keep an issue titled `gitops-image-bot dashboard` up to date with what runs where, holds, freezes, open pull requests and the last error.",
    ),
});

export const configSchema = z
  .strictObject({
    _extends: checkedString(checkExtends)
      .optional()
      .describe(
        "Inherit from the same file in another repository (Probot's convention): `.github`, `other-repo`, `owner/repo` or `owner/repo:path/to/file.yml`. Mappings merge key by key; lists and values in this file replace the base's.",
      ),
    sources: z.array(sourceSchema).min(1).describe("Which repositories' builds deploy, first match wins."),
    environments: z
      .record(z.string(), environmentSchema)
      .superRefine(
        (environments, ctx) => {
          const names = Object.keys(environments);
          if (names.length === 0) {
            ctx.addIssue(
              customIssue(environments, {
                message: "no environment is defined",
                fix: 'add one, e.g. `prod: { paths: ["apps/*/overlays/prod/**"] }`',
              }),
            );
          }
          for (const name of names) {
            const finding = checkEnvironmentName(name);
            if (finding !== undefined) ctx.addIssue({ ...customIssue(name, finding, "key"), path: [name] });
          }
        },
        // Also when an environment's settings have the wrong type, so every problem is reported at once.
        { when: ({ value }) => isMapping(value) },
      )
      .meta({ propertyNames: { pattern: ENVIRONMENT_NAME.source }, minProperties: 1 })
      .describe(
        "The deployment targets, by name (1 to 63 of `a-z 0-9 . _ -`, starting with a letter or digit). A file may belong to several environments.",
      ),
    branch: checkedString(checkBranchName)
      .optional()
      .describe("The branch of this repository the bot writes to. Absent: the repository's default branch."),
    batchWindowSeconds: z
      .number()
      .int()
      .min(0)
      .max(60)
      .default(4)
      .describe(
        "The least time between two writes to this repository, in seconds: a build for a repository not written in that time is written at once; builds that arrive while a write is in flight, or within this time after it, are written together in the next commit. 0: the next write follows as soon as the current one ends.",
      ),
    report: reportSchema
      .default({ statuses: true, deployments: true })
      .describe("What the bot reports back on the source repository."),
    reconcile: reconcileSchema
      .default({ intervalMinutes: 10, requestBudget: 100, dashboard: true })
      .describe("The scheduled reconciliation pass and the dashboard issue."),
    freeze: freezeSchema
      .default({ alerts: [] })
      .describe("Freezes the app places by itself, while an error budget burns."),
  })
  .superRefine((config, ctx) => {
    // Names that refer to an environment must name one of this file's.
    const known = new Set(Object.keys(config.environments));
    const fix = `use one of: ${[...known].join(", ")}`;
    for (const [name, environment] of Object.entries(config.environments)) {
      const after = environment.after?.environment;
      if (after === undefined) continue;
      if (after === name)
        ctx.addIssue({
          ...customIssue(after, {
            message: "an environment cannot wait for itself",
            fix: "name the environment before it, e.g. `qa`",
          }),
          path: ["environments", name, "after", "environment"],
        });
      else if (!known.has(after))
        ctx.addIssue({
          ...customIssue(after, { message: `no environment is named ${after}`, fix }),
          path: ["environments", name, "after", "environment"],
        });
    }
    config.freeze.alerts.forEach((rule, index) =>
      (rule.environments ?? []).forEach((name, at) => {
        if (!known.has(name))
          ctx.addIssue({
            ...customIssue(name, { message: `no environment is named ${name}`, fix }),
            path: ["freeze", "alerts", index, "environments", at],
          });
      }),
    );
  })
  .meta({
    title: "gitops-image-bot configuration",
    description:
      "The `.github/gitops-image-bot.yml` file of a manifests repository: which builds deploy where, and how.",
  });

function checkTagTemplate(template: string): Finding | undefined {
  const parsed = parseTagTemplate(template);
  return parsed.ok ? undefined : parsed.finding;
}
