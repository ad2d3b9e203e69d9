import { createHash } from "node:crypto";
import { z } from "zod";
import type { Build } from "../core/plan/build.js";
import { checkName, checkTag } from "../core/image-ref/validate-parts.js";

/** A host name, lower case, with an optional port (as `sources[].host` takes it). */
const HOST = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/;
/** Path segments as GitHub and GitLab allow them (letters, digits, `.`, `_`, `-`), `.` and `..` never. */
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;
/** A branch name: no spaces, control characters or characters git refuses in a ref (`~^:?*[\`). */
const BRANCH = /^[^\s\p{Cc}~^:?*[\\]{1,255}$/u;

/** The fields of `POST /api/builds`, in the order the first failing one is named. */
export const BUILD_FIELDS = [
  "repository",
  "host",
  "sha",
  "image",
  "tag",
  "digest",
  "branch",
  "defaultBranch",
  "buildNumber",
  "url",
  "committedAt",
] as const;

export type BuildField = (typeof BUILD_FIELDS)[number];

/** What a sender does about each field that fails, with the CI variables that carry it. */
export const FIELD_FIXES: Readonly<Record<BuildField, string>> = {
  repository:
    'send the source repository as "owner/name" for GitHub, or its full path with "host" for another host, e.g. "payments/backend/api" ($CI_PROJECT_PATH on GitLab)',
  host: 'send the host name alone, e.g. "gitlab.example.com" ($CI_SERVER_HOST on GitLab), or leave it out for a GitHub repository',
  sha: "send the full 40-character commit SHA, e.g. $GIT_COMMIT (Jenkins) or $CI_COMMIT_SHA (GitLab)",
  image: 'send the image name without tag or digest, in lower case, e.g. "harbor.example.com/team/web"',
  tag: 'send the tag the build pushed, e.g. "42-1a2b3c4": up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -',
  digest:
    'send the image digest as "sha256:" and 64 lower-case hex digits (e.g. from `docker buildx build --metadata-file`), or leave it out',
  branch: "send the branch built, e.g. $BRANCH_NAME (Jenkins) or $CI_COMMIT_BRANCH (GitLab), or leave it out",
  defaultBranch:
    'send the source repository\'s default branch, e.g. "main" ($CI_DEFAULT_BRANCH on GitLab), or leave it out for "main"',
  buildNumber:
    "send a whole number from 0, as a number or a string of digits, e.g. $BUILD_NUMBER (Jenkins) or $CI_PIPELINE_IID (GitLab), or leave it out",
  url: "send an http(s) link to the build, e.g. $BUILD_URL (Jenkins) or $CI_PIPELINE_URL (GitLab), or leave it out",
  committedAt:
    'send the commit time in ISO 8601 with a zone, e.g. "2024-05-01T12:00:00Z" ($CI_COMMIT_TIMESTAMP on GitLab, `git show -s --format=%cI HEAD`), or leave it out',
};

const checked = (check: (text: string) => string | undefined) =>
  z.string().superRefine((text, ctx) => {
    const problem = check(text);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });

/** The body of `POST /api/builds` (docs/builds.md). Unknown fields are refused: a typo never passes unseen. */
export const buildBodySchema = z.strictObject({
  repository: z.string().superRefine((text, ctx) => {
    if (!text.split("/").every((segment) => SEGMENT.test(segment)) || !text.includes("/"))
      ctx.addIssue({ code: "custom", message: `"${text.slice(0, 200)}" is not a repository path` });
  }),
  host: z
    .string()
    .transform((text) => text.toLowerCase())
    .pipe(z.string().regex(HOST, "not a host name"))
    .optional(),
  sha: z
    .string()
    .regex(/^[0-9a-fA-F]{40}$/, "not a 40-character commit SHA")
    .transform((sha) => sha.toLowerCase()),
  image: checked((name) => (name.includes("@") ? "the image name has a digest" : checkName(name))),
  tag: checked(checkTag),
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'not "sha256:" and 64 lower-case hex digits')
    .optional(),
  branch: z
    .string()
    .regex(BRANCH, "not a branch name")
    .transform((branch) => branch.replace(/^refs\/heads\//, ""))
    .optional(),
  defaultBranch: z.string().regex(BRANCH, "not a branch name").optional(),
  buildNumber: z
    .union(
      [
        z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
        z
          .string()
          .regex(/^\d{1,15}$/)
          .transform(Number),
      ],
      { error: "not a whole number from 0 or a string of digits" },
    )
    .optional(),
  url: z
    .url({ protocol: /^https?$/, error: "not an http(s) URL" })
    .max(2048, "longer than 2048 characters")
    .optional(),
  committedAt: z.iso.datetime({ offset: true, error: "not an ISO 8601 time with a zone" }).optional(),
});

export type BuildBody = z.infer<typeof buildBodySchema>;

export type BuildBodyParse =
  | { readonly ok: true; readonly build: Build }
  /** The first failing field (`body` when the body is not an object), what is wrong, and the fix. */
  | { readonly ok: false; readonly field: string; readonly error: string; readonly fix: string };

/** A body of `POST /api/builds` as a Build (trigger `build`), or its first failing field with the fix. */
export function buildFromBody(body: unknown, receivedAt: number): BuildBodyParse {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return {
      ok: false,
      field: "body",
      error: "the body is not a JSON object",
      fix: `send a JSON object with the fields ${BUILD_FIELDS.join(", ")} (docs/builds.md)`,
    };
  const parsed = buildBodySchema.safeParse(body);
  if (!parsed.success) return firstFailure(parsed.error, body);
  const data = parsed.data;
  if (data.host === undefined && data.repository.split("/").length !== 2)
    return {
      ok: false,
      field: "repository",
      error: `invalid \`repository\`: "${data.repository}" is not owner/name, and a GitHub repository is`,
      fix: 'send "owner/name" for a GitHub repository; for a nested group on another host send "host" too',
    };
  return { ok: true, build: toBuild(data, receivedAt) };
}

/** `build:` and the SHA-256 of the source (host/path), image, tag and digest: a replay has the same id. */
export function buildId(source: string, image: string, tag: string, digest: string | undefined): string {
  const key = JSON.stringify([source.toLowerCase(), image, tag, digest ?? ""]);
  return `build:${createHash("sha256").update(key, "utf8").digest("hex")}`;
}

function toBuild(data: BuildBody, receivedAt: number): Build {
  const slash = data.repository.lastIndexOf("/");
  const owner = data.repository.slice(0, slash);
  const name = data.repository.slice(slash + 1);
  const source = data.host === undefined ? data.repository : `${data.host}/${data.repository}`;
  return {
    trigger: "build",
    id: buildId(source, data.image, data.tag, data.digest),
    repository: {
      ...(data.host === undefined ? {} : { host: data.host }),
      owner,
      name,
      defaultBranch: data.defaultBranch ?? "main",
      htmlUrl: `https://${data.host ?? "github.com"}/${data.repository}`,
    },
    sha: data.sha,
    branch: data.branch,
    event: undefined,
    workflowPath: undefined,
    url: data.url,
    image: { name: data.image, tag: data.tag, digest: data.digest },
    buildNumber: data.buildNumber,
    receivedAt,
    committedAt: data.committedAt === undefined ? undefined : Date.parse(data.committedAt),
  };
}

function firstFailure(error: z.ZodError, body: object): BuildBodyParse & { ok: false } {
  const issue = error.issues[0];
  if (issue === undefined)
    return { ok: false, field: "body", error: "invalid body", fix: "see docs/builds.md" };
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "?";
    return {
      ok: false,
      field: key,
      error: `unknown field \`${key.slice(0, 100)}\``,
      fix: `remove it: the fields are ${BUILD_FIELDS.join(", ")} (docs/builds.md)`,
    };
  }
  const field = String(issue.path[0] ?? "body") as BuildField;
  const missing = !Object.hasOwn(body, field) || (body as Record<string, unknown>)[field] === undefined;
  return {
    ok: false,
    field,
    error: missing ? `\`${field}\` is required` : `invalid \`${field}\`: ${issue.message}`,
    fix: FIELD_FIXES[field] ?? `see docs/builds.md`,
  };
}
