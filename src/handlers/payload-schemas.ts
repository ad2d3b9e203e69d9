import { z } from "zod";
import type { RepoId } from "../adapters/github/octokit.js";
import type { SourceRepository } from "../core/plan/build.js";

/** Permissive schemas of the webhook fields the app reads (GitHub adds fields over time; only these matter). */
export const repositorySchema = z.object({
  name: z.string().min(1),
  owner: z.object({ login: z.string().min(1) }),
  default_branch: z.string().min(1),
  html_url: z.string(),
});

/** The webhook's repository as the app's SourceRepository. */
export function sourceRepository(repository: z.infer<typeof repositorySchema>): SourceRepository {
  return {
    owner: repository.owner.login,
    name: repository.name,
    defaultBranch: repository.default_branch,
    htmlUrl: repository.html_url,
  };
}

export const shaSchema = z.string().regex(/^[0-9a-f]{40}$/i, "a 40-character commit SHA");

export const workflowRunPayloadSchema = z.object({
  action: z.string(),
  repository: repositorySchema.extend({ id: z.number().int() }),
  workflow_run: z.object({
    /** Whose code was built: a fork's, for a `pull_request` run of a fork's pull request (null: deleted). */
    head_repository: z.object({ id: z.number().int(), full_name: z.string() }).nullable(),
    conclusion: z.string().nullable(),
    head_sha: shaSchema,
    head_branch: z.string().nullable(),
    event: z.string(),
    path: z.string().optional(),
    html_url: z.string().optional(),
    /** The run's number in its workflow (`github.run_number`): fills `{build}` in a tag template. */
    run_number: z.number().int().nonnegative().optional(),
    /** The commit built; its `timestamp` (ISO 8601) is the source commit time lead time starts from. */
    head_commit: z.object({ timestamp: z.string().optional() }).nullish(),
  }),
});

export const packagePayloadSchema = z.object({
  action: z.string(),
  repository: repositorySchema,
  package: z.object({
    name: z.string().min(1),
    namespace: z.string().min(1),
    package_type: z.string(),
    package_version: z
      .object({
        html_url: z.string().optional(),
        package_url: z.string().optional(),
        container_metadata: z
          .object({
            tag: z.object({ name: z.string(), digest: z.string() }).nullish(),
            labels: z
              .object({
                revision: z.string().optional(),
                all_labels: z.record(z.string(), z.string()).optional(),
              })
              .nullish(),
          })
          .nullish(),
      })
      .nullish(),
  }),
});

/** The first problem of a failed parse, as `path: message`, for one clear log line. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "(payload)"}: ${issue.message}` : "invalid payload";
}

export const issueCommentPayloadSchema = z.object({
  action: z.string(),
  repository: repositorySchema,
  issue: z.object({
    number: z.number().int().positive(),
    /** Present when the issue is a pull request. */
    pull_request: z.object({}).passthrough().nullish(),
  }),
  comment: z.object({
    id: z.number().int().positive(),
    body: z.string().nullable(),
    html_url: z.string(),
    user: z.object({ login: z.string().min(1), type: z.string() }),
  }),
  sender: z.object({ login: z.string().min(1), type: z.string() }),
});

/** What every `pull_request` webhook the app reads names: the pull request, its repository, the installation. */
export const pullRequestEventSchema = z.object({
  number: z.number().int().positive(),
  installation: z.object({ id: z.number().int().positive() }),
  repository: z.object({ name: z.string().min(1), owner: z.object({ login: z.string().min(1) }) }),
});

/** Which pull request a `pull_request` webhook is about. */
export interface PullRequestAt {
  readonly installationId: number;
  readonly repo: RepoId;
  readonly number: number;
}

export function pullRequestAt(event: z.infer<typeof pullRequestEventSchema>): PullRequestAt {
  return {
    installationId: event.installation.id,
    repo: { owner: event.repository.owner.login, name: event.repository.name },
    number: event.number,
  };
}
