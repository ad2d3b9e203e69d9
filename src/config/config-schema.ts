import { z } from "zod";
import { COMMAND_PERMISSIONS, MERGE_METHODS, MODES, TRIGGERS, type Trigger } from "./config.js";
import type { Finding } from "./finding.js";
import {
  checkBranchGlob,
  checkPathGlob,
  checkPathList,
  checkRepositoryGlob,
  checkWorkflowGlob,
} from "./glob-checks.js";
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

export const sourceSchema = z
  .strictObject({
    repositories: z
      .array(checkedString(checkRepositoryGlob))
      .min(1)
      .describe(
        'Globs over `owner/name` of the repositories whose builds deploy, matched case-insensitively: `acme/web`, `acme/*`, `acme/{web,api}`. `!glob` excludes: `["acme/*", "!acme/sandbox-*"]`.',
      ),
    triggers: z
      .array(z.enum(TRIGGERS))
      .min(1)
      .default((): Trigger[] => ["workflow_run"])
      .describe(
        "Events that start a deployment: `workflow_run` (a build workflow completed successfully) and `package` (an image was published to GitHub Packages).",
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
      .default("ghcr.io/{owner}/{repo}")
      .describe(
        "The image the source repository builds. Placeholders: `{owner}`, `{repo}`. The rendered name is lower-cased.",
      ),
    tag: checkedString(checkTagTemplate)
      .default("{sha}")
      .describe(
        "The tag a build of a commit gets: exactly one `{sha}` (the full commit SHA) or `{sha:N}` (its first N characters, 7 to 40), e.g. `{sha:7}` or `sha-{sha:8}`. The bot also reads the commit back from a tag with it.",
      ),
  })
  .describe("A set of source repositories, the image each builds and how its tags are named.");

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
  })
  .describe("A deployment target: the files that belong to it and how changes reach them.");

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
      .default(2)
      .describe("How long to collect images that arrive together before writing them in one commit."),
    report: reportSchema
      .default({ statuses: true, deployments: true })
      .describe("What the bot reports back on the source repository."),
    reconcile: reconcileSchema
      .default({ intervalMinutes: 10, requestBudget: 100, dashboard: true })
      .describe("The scheduled reconciliation pass and the dashboard issue."),
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
